// Fibers and barriers of the host emulator (see scheduler.h). x86-64 System V only: the context
// switch saves the callee-saved registers and swaps stacks (kernel code never changes the
// floating-point control words, so every fiber shares the caller's).
#include "scheduler.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace jdemu {

ThreadState* current = nullptr;
uint3 grid_dim, block_dim, block_idx;
unsigned char* dynamic_shared_base = nullptr;
size_t dynamic_shared_bytes = 0;

extern "C" void jdemu_switch(void** save_sp, void* to_sp);
asm(R"(
  .text
  .globl jdemu_switch
  .hidden jdemu_switch
  .type jdemu_switch,@function
jdemu_switch:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret
  .size jdemu_switch, .-jdemu_switch
)");

namespace {

enum class State { kRunnable, kAtBlockBarrier, kAtWarpBarrier, kDone };

struct Fiber {
  ThreadState thread;
  void* sp;
  State state;
};

// 64 KiB per emulated thread; the 32 stacks of a warp fill one 2 MiB huge page when the kernel
// grants it, which keeps the TLB quiet while a warp's lanes take turns. A canary at the bottom of
// each stack catches an overflow (checked after each launch).
constexpr size_t kStackBytes = 64 * 1024;
constexpr size_t kCanaryWords = 8;
constexpr uint64_t kCanary = 0x6a646973746b6e6cULL;

std::vector<Fiber> fibers;
std::vector<LaneSlot> slots;  // two banks of 32 per warp
unsigned char* stacks = nullptr;
size_t stack_count = 0;
void* scheduler_sp = nullptr;
Fiber* running = nullptr;
void (*kernel_fn)(void**) = nullptr;
void** kernel_params = nullptr;
bool failed = false;
std::string failure;

void ensure_stacks(size_t n) {
  if (n <= stack_count) return;
  if (stacks) munmap(stacks, stack_count * kStackBytes);
  size_t bytes = n * kStackBytes;
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  madvise(p, bytes, MADV_HUGEPAGE);
  stacks = static_cast<unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) {
    uint64_t* bottom = reinterpret_cast<uint64_t*>(stacks + i * kStackBytes);
    for (size_t w = 0; w < kCanaryWords; ++w) bottom[w] = kCanary;
  }
  stack_count = n;
}

bool stack_overflowed(size_t i) {
  const uint64_t* bottom = reinterpret_cast<const uint64_t*>(stacks + i * kStackBytes);
  for (size_t w = 0; w < kCanaryWords; ++w) {
    if (bottom[w] != kCanary) return true;
  }
  return false;
}

[[noreturn]] void fiber_main() {
  kernel_fn(kernel_params);
  running->state = State::kDone;
  jdemu_switch(&running->sp, scheduler_sp);
  __builtin_unreachable();
}

// A fresh stack whose first switch "returns" into fiber_main with the ABI's entry alignment.
void* fresh_stack(size_t i) {
  uint64_t* sp = reinterpret_cast<uint64_t*>(stacks + (i + 1) * kStackBytes);
  *--sp = 0;                                        // fiber_main's own return address
  *--sp = reinterpret_cast<uint64_t>(&fiber_main);  // where the switch's ret goes
  for (int r = 0; r < 6; ++r) *--sp = 0;            // rbp rbx r12 r13 r14 r15
  return sp;
}

void yield_to_scheduler() { jdemu_switch(&running->sp, scheduler_sp); }

std::string describe_block() {
  return "block (" + std::to_string(block_idx.x) + "," + std::to_string(block_idx.y) + "," + std::to_string(block_idx.z) + ")";
}

}  // namespace

void block_barrier() {
  running->state = State::kAtBlockBarrier;
  yield_to_scheduler();
}

LaneSlot* warp_slots() {
  const ThreadState& t = running->thread;
  return &slots[(static_cast<size_t>(t.warp) * 2 + (t.exchanges & 1)) * 32];
}

LaneSlot* warp_barrier() {
  running->state = State::kAtWarpBarrier;
  yield_to_scheduler();
  LaneSlot* bank = warp_slots();
  running->thread.exchanges++;
  return bank;
}

void kernel_error(const std::string& message) {
  failed = true;
  const uint3& t = running->thread.idx;
  failure = message + " (" + describe_block() + ", thread (" + std::to_string(t.x) + "," + std::to_string(t.y) + "," +
            std::to_string(t.z) + "))";
  running->state = State::kDone;
  jdemu_switch(&running->sp, scheduler_sp);
  __builtin_unreachable();
}

std::string run_grid(const char* name, void (*kernel)(void**), void** params, dim3 grid, dim3 block, size_t dynamic_shared) {
  const size_t n = static_cast<size_t>(block.x) * block.y * block.z;
  const size_t warps = (n + 31) / 32;
  ensure_stacks(n);
  fibers.assign(n, Fiber{});
  slots.assign(warps * 64, LaneSlot{});
  std::vector<unsigned char> shared(dynamic_shared + 128);
  unsigned char* shared_base = shared.data() + (128 - reinterpret_cast<uintptr_t>(shared.data()) % 128) % 128;
  grid_dim = uint3{grid.x, grid.y, grid.z};
  block_dim = uint3{block.x, block.y, block.z};
  dynamic_shared_base = shared_base;
  dynamic_shared_bytes = dynamic_shared;
  kernel_fn = kernel;
  kernel_params = params;
  failed = false;
  for (unsigned bz = 0; bz < grid.z; ++bz) {
    for (unsigned by = 0; by < grid.y; ++by) {
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        block_idx = uint3{bx, by, bz};
        std::memset(shared_base, 0xff, dynamic_shared);  // uninitialised shared memory reads as NaN
        for (size_t i = 0; i < n; ++i) {
          Fiber& f = fibers[i];
          f.thread.idx = uint3{static_cast<unsigned>(i % block.x), static_cast<unsigned>(i / block.x % block.y),
                               static_cast<unsigned>(i / (static_cast<size_t>(block.x) * block.y))};
          f.thread.linear = static_cast<int>(i);
          f.thread.lane = static_cast<int>(i % 32);
          f.thread.warp = static_cast<int>(i / 32);
          f.thread.exchanges = 0;
          f.thread.copies.clear();
          f.thread.committed_groups = 0;
          f.sp = fresh_stack(i);
          f.state = State::kRunnable;
        }
        while (true) {
          // Each warp in turn runs until every lane waits at __syncthreads or has exited; its
          // warp-synchronous operations release as soon as all 32 lanes reach them. Odd blocks
          // take the warps last to first, so that a read of another warp's shared-memory writes
          // (or landed cp.async copies) with no barrier in between meets unwritten NaN bytes
          // whichever warp is the reader.
          const bool reverse = (bx + by + bz) % 2 == 1;
          for (size_t step = 0; step < warps; ++step) {
            const size_t w = reverse ? warps - 1 - step : step;
            const size_t lo = w * 32, hi = std::min(n, lo + 32);
            while (true) {
              for (size_t i = lo; i < hi; ++i) {
                Fiber& f = fibers[i];
                if (f.state != State::kRunnable) continue;
                running = &f;
                current = &f.thread;
                jdemu_switch(&scheduler_sp, f.sp);
                if (failed) return std::string(name) + ": " + failure;
              }
              size_t at_warp = 0, at_block = 0, done = 0;
              for (size_t i = lo; i < hi; ++i) {
                State s = fibers[i].state;
                at_warp += s == State::kAtWarpBarrier;
                at_block += s == State::kAtBlockBarrier;
                done += s == State::kDone;
              }
              if (at_warp == 0) break;
              if (at_warp != hi - lo) {
                return std::string(name) + ": a warp-synchronous operation (shuffle, ldmatrix, mma, __syncwarp) was reached by " +
                       std::to_string(at_warp) + " of the " + std::to_string(hi - lo) + " lanes of warp " + std::to_string(w) +
                       " (" + std::to_string(at_block) + " wait at __syncthreads, " + std::to_string(done) + " have exited) in " +
                       describe_block();
              }
              for (size_t i = lo; i < hi; ++i) fibers[i].state = State::kRunnable;
            }
          }
          // Every live thread now waits at __syncthreads.
          bool any_waiting = false;
          for (Fiber& f : fibers) {
            if (f.state == State::kAtBlockBarrier) {
              f.state = State::kRunnable;
              any_waiting = true;
            }
          }
          if (!any_waiting) break;
        }
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (stack_overflowed(i)) return std::string(name) + ": an emulated thread overflowed its " + std::to_string(kStackBytes / 1024) + " KiB stack";
  }
  running = nullptr;
  current = nullptr;
  return {};
}

}  // namespace jdemu
