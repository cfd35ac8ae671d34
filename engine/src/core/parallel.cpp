#include "tealeaves/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tealeaves/core/errors.hpp"

namespace tealeaves {

std::size_t resolve_threads(std::size_t requested) {
  if (requested > 0) return requested;
  if (const char* env = std::getenv("TEALEAVES_NUM_THREADS"); env && *env) {
    const long value = std::strtol(env, nullptr, 10);
    if (value > 0) return static_cast<std::size_t>(value);
  }
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

void parallel_for_blocks(std::size_t n, std::size_t block, std::size_t threads,
                         const std::function<void(std::size_t, std::size_t)>& body) {
  require(block > 0, "block", "must be positive");
  if (n == 0) return;
  const std::size_t n_blocks = (n + block - 1) / block;
  const std::size_t workers = std::min(resolve_threads(threads), n_blocks);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    for (std::size_t k = next++; k < n_blocks; k = next++) {
      try {
        body(k * block, std::min(n, (k + 1) * block));
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next = n_blocks;  // stop handing out blocks
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tealeaves
