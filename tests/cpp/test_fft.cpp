#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "tealeaves/spectral/fft.hpp"
#include "tealeaves/spectral/periodogram.hpp"
#include "test_helpers.hpp"

using namespace tealeaves::spectral;

TEST_CASE("next_fast_size returns the next 7-smooth number") {
  CHECK(next_fast_size(0) == 1);
  CHECK(next_fast_size(1) == 1);
  CHECK(next_fast_size(11) == 12);
  CHECK(next_fast_size(1025) == 1029);  // 3 * 7^3
  CHECK(next_fast_size(1 << 20) == (1 << 20));
}

TEST_CASE("the plan cache serves repeated sizes without replanning") {
  clear_plan_cache();
  const auto x = tealeaves::testing::random_normal(4096, 9);
  const auto before = plan_cache_stats();
  for (int i = 0; i < 5; ++i) (void)periodogram(x);
  const auto after = plan_cache_stats();
  CHECK(after.misses - before.misses == 1);
  CHECK(after.hits - before.hits == 4);
}

TEST_CASE("plans are shared safely by many threads at once") {
  clear_plan_cache();
  const auto x = tealeaves::testing::random_normal(3000, 13);
  const Spectrum expected = periodogram(x);
  clear_plan_cache();  // make the threads race to create the plans
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        // Mix sizes so threads plan and execute concurrently.
        const std::size_t n = 3000 - static_cast<std::size_t>((i + t) % 4);
        const Spectrum s = periodogram(std::span<const double>(x).first(n));
        if (n == 3000 && s.power != expected.power) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches.load() == 0);
  CHECK(plan_cache_stats().plans == 4);
}

TEST_CASE("measured plans give the same numbers as estimated ones") {
  const auto x = tealeaves::testing::random_normal(1000, 21);
  PeriodogramOptions o;
  o.effort = PlanEffort::estimate;
  const Spectrum a = periodogram(x, o);
  const std::size_t sizes[] = {1000};
  prepare_plans(sizes, PlanEffort::measure);
  o.effort = PlanEffort::automatic;
  const Spectrum b = periodogram(x, o);
  CHECK(plan_cache_stats().measured >= 1);
  for (std::size_t k = 0; k < a.power.size(); ++k) CHECK(b.power[k] == doctest::Approx(a.power[k]));
}
