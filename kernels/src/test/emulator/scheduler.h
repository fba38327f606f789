// The host emulator's thread model: every CUDA thread of a block is a fiber on the calling host
// thread; the blocks of a grid run one after another. A fiber runs until it reaches a barrier
// (__syncthreads, or a warp-synchronous operation such as a shuffle, ldmatrix or mma) and then
// yields; a barrier releases when every live thread it concerns has arrived (threads that have
// exited do not hold up a __syncthreads). A warp-synchronous operation that part of a warp never
// reaches is reported as a launch failure naming the kernel, block and warp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <vector_types.h>

namespace jdemu {

/** Per-lane exchange slot of a warp-synchronous operation (large enough for an mma's fragments). */
struct LaneSlot {
  alignas(16) unsigned char bytes[64];
};

/** A cp.async the thread issued and has not yet waited for: it lands at cp.async.wait_group. */
struct PendingCopy {
  unsigned char* dst;
  const void* src;
  int bytes;         // copied; the rest of the 16 is zero-filled
  unsigned group;    // the commit group it belongs to
};

struct ThreadState {
  uint3 idx;      // threadIdx
  int linear;     // x + y*Dx + z*Dx*Dy
  int lane, warp;
  unsigned exchanges;  // warp barriers passed: selects the bank of exchange slots
  std::vector<PendingCopy> copies;
  unsigned committed_groups;
};

/** The thread now running (valid only inside a kernel launch). */
extern ThreadState* current;
extern uint3 grid_dim, block_dim, block_idx;
/** The block's dynamic shared memory (the launch's sharedMemBytes). */
extern unsigned char* dynamic_shared_base;
extern size_t dynamic_shared_bytes;

/** Waits for every live thread of the block. */
void block_barrier();
/**
 * Exchange slots of the calling warp: write yours into warp_slots()[lane], call warp_barrier(),
 * read anyone's from what it returns. Two banks alternate from one barrier to the next, so a lane
 * that races ahead to the next exchange never overwrites a slot another lane still has to read.
 */
LaneSlot* warp_slots();
/** Waits for every lane of the calling warp; returns the bank the lanes wrote before it. */
LaneSlot* warp_barrier();
/** Reports a kernel bug (stops the launch, which then fails with the message). */
[[noreturn]] void kernel_error(const std::string& message);

/**
 * Runs kernel(params) over the grid. Returns an empty string on success, or what went wrong.
 */
std::string run_grid(const char* name, void (*kernel)(void**), void** params, dim3 grid, dim3 block,
                     size_t dynamic_shared);

}  // namespace jdemu
