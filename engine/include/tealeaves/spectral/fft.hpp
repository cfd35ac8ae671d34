// FFTW plan cache: public controls. Plans themselves stay hidden behind a mutex in fft.cpp,
// because FFTW's planner is not thread-safe while executing a finished plan is.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace tealeaves::spectral {

// How hard FFTW searches for a fast plan. Planning effort should follow expected reuse:
// FFTW_MEASURE at 2^20 costs seconds here, FFTW_ESTIMATE milliseconds at ~2x slower execution.
enum class PlanEffort {
  automatic,  // a measured plan if one is cached or in the wisdom, otherwise estimate
  estimate,   // cheap planning, for one-off transforms
  measure,    // expensive planning, for transforms repeated many times (saved to wisdom)
};

// Smallest n' >= n of the form 2^a 3^b 5^c 7^d, which FFTW transforms fastest.
std::size_t next_fast_size(std::size_t n);

// Plan real transforms (forward and inverse) of these sizes now, at this effort, so later
// calls find them cached. Measured plans are added to the wisdom file.
void prepare_plans(std::span<const std::size_t> sizes, PlanEffort effort = PlanEffort::measure);

struct PlanCacheStats {
  std::size_t plans = 0;     // plans held
  std::size_t hits = 0;      // lookups served from the cache
  std::size_t misses = 0;    // lookups that had to plan
  std::size_t measured = 0;  // plans created with FFTW_MEASURE (from wisdom or fresh)
};
PlanCacheStats plan_cache_stats();
// Drops every cached plan (plans in use elsewhere stay valid until released).
void clear_plan_cache();

// Where measured plans persist: $TEALEAVES_FFTW_WISDOM, else $XDG_CACHE_HOME/tealeaves/
// fftw-wisdom, else ~/.cache/tealeaves/fftw-wisdom. Empty when none can be determined.
// Setting TEALEAVES_FFTW_WISDOM to the empty string disables persistence.
std::string wisdom_path();

// Frees this thread's reusable FFT work buffers (they otherwise live as long as the thread).
void release_thread_buffers();

}  // namespace tealeaves::spectral
