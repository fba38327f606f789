// Fibers and barriers of the host emulator (see scheduler.h). x86-64 System V only: the context
// switch saves the callee-saved registers, MXCSR and the x87 control word, then swaps stacks.
#include "scheduler.h"

#include <sys/mman.h>

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
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
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

constexpr size_t kStackBytes = 256 * 1024;  // per emulated thread, plus one guard page below it
constexpr size_t kGuardBytes = 4096;

std::vector<Fiber> fibers;
std::vector<LaneSlot> slots;  // 32 per warp
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
  if (stacks) munmap(stacks, stack_count * (kStackBytes + kGuardBytes));
  size_t bytes = n * (kStackBytes + kGuardBytes);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  stacks = static_cast<unsigned char*>(p);
  for (size_t i = 0; i < n; ++i) mprotect(stacks + i * (kStackBytes + kGuardBytes), kGuardBytes, PROT_NONE);
  stack_count = n;
}

[[noreturn]] void fiber_main() {
  kernel_fn(kernel_params);
  running->state = State::kDone;
  jdemu_switch(&running->sp, scheduler_sp);
  __builtin_unreachable();
}

// A fresh stack whose first switch "returns" into fiber_main with the ABI's entry alignment.
void* fresh_stack(size_t i) {
  unsigned char* top = stacks + i * (kStackBytes + kGuardBytes) + kGuardBytes + kStackBytes;
  uint64_t* sp = reinterpret_cast<uint64_t*>(top);
  unsigned mxcsr;
  unsigned short fpucw;
  asm volatile("stmxcsr %0" : "=m"(mxcsr));
  asm volatile("fnstcw %0" : "=m"(fpucw));
  *--sp = 0;                                               // fiber_main's own return address
  *--sp = reinterpret_cast<uint64_t>(&fiber_main);         // where the switch's ret goes
  for (int r = 0; r < 6; ++r) *--sp = 0;                   // rbp rbx r12 r13 r14 r15
  *--sp = mxcsr | (static_cast<uint64_t>(fpucw) << 32);
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

LaneSlot* warp_barrier() {
  running->state = State::kAtWarpBarrier;
  yield_to_scheduler();
  return &slots[static_cast<size_t>(running->thread.warp) * 32];
}

LaneSlot* warp_slots() { return &slots[static_cast<size_t>(running->thread.warp) * 32]; }

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
  slots.assign(warps * 32, LaneSlot{});
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
          f.sp = fresh_stack(i);
          f.state = State::kRunnable;
        }
        while (true) {
          for (Fiber& f : fibers) {
            if (f.state != State::kRunnable) continue;
            running = &f;
            current = &f.thread;
            jdemu_switch(&scheduler_sp, f.sp);
            if (failed) return std::string(name) + ": " + failure;
          }
          // Every thread now waits at a barrier or has exited. Warp barriers first.
          bool released = false;
          for (size_t w = 0; w < warps; ++w) {
            const size_t lo = w * 32, hi = std::min(n, lo + 32);
            size_t at_warp = 0, at_block = 0, done = 0;
            for (size_t i = lo; i < hi; ++i) {
              State s = fibers[i].state;
              at_warp += s == State::kAtWarpBarrier;
              at_block += s == State::kAtBlockBarrier;
              done += s == State::kDone;
            }
            if (at_warp == 0) continue;
            if (at_warp != hi - lo) {
              return std::string(name) + ": a warp-synchronous operation (shuffle, ldmatrix, mma, __syncwarp) was reached by " +
                     std::to_string(at_warp) + " of the " + std::to_string(hi - lo) + " lanes of warp " + std::to_string(w) +
                     " (" + std::to_string(at_block) + " wait at __syncthreads, " + std::to_string(done) + " have exited) in " +
                     describe_block();
            }
            for (size_t i = lo; i < hi; ++i) fibers[i].state = State::kRunnable;
            released = true;
          }
          if (released) continue;
          size_t at_block = 0, done = 0;
          for (const Fiber& f : fibers) {
            at_block += f.state == State::kAtBlockBarrier;
            done += f.state == State::kDone;
          }
          if (done == n) break;
          for (Fiber& f : fibers) {
            if (f.state == State::kAtBlockBarrier) f.state = State::kRunnable;
          }
        }
      }
    }
  }
  running = nullptr;
  current = nullptr;
  return {};
}

}  // namespace jdemu
