// Deterministic parallel loops.
//
// Work is cut into fixed blocks whose boundaries depend only on the problem size and the block
// length, never on the number of threads; threads only decide who computes which block. So any
// result assembled per block (or per index) is bit-identical for 1, 2 or 64 threads.
#pragma once

#include <cstddef>
#include <functional>

namespace tealeaves {

// 0 means "all": the TEALEAVES_NUM_THREADS environment variable if set, else the hardware's
// concurrency. Never returns 0.
std::size_t resolve_threads(std::size_t requested);

// Calls body(begin, end) once for every block [k block, min((k+1) block, n)) of [0, n), on up
// to `threads` threads (0: resolve_threads(0)). The first exception thrown by a body is
// rethrown here after every thread has stopped.
void parallel_for_blocks(std::size_t n, std::size_t block, std::size_t threads,
                         const std::function<void(std::size_t begin, std::size_t end)>& body);

}  // namespace tealeaves
