#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"

using tealeaves::Rng;

TEST_CASE("parallel_for_blocks covers every index once, for any thread count") {
  for (std::size_t threads : {1u, 2u, 3u, 8u}) {
    std::vector<std::atomic<int>> hits(1001);
    tealeaves::parallel_for_blocks(1001, 64, threads, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) ++hits[i];
    });
    for (auto& h : hits) CHECK(h.load() == 1);
  }
}

TEST_CASE("parallel_for_blocks rethrows the first failure") {
  CHECK_THROWS_AS(tealeaves::parallel_for_blocks(100, 10, 4,
                                                 [](std::size_t b, std::size_t) {
                                                   if (b == 50) throw std::runtime_error("x");
                                                 }),
                  std::runtime_error);
}

TEST_CASE("rng streams are reproducible and distinct") {
  Rng a(42, 0), b(42, 0), c(42, 1);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    CHECK(x == b.next());
    differs = differs || x != c.next();
  }
  CHECK(differs);
}

TEST_CASE("rng distributions have the right moments") {
  Rng rng(7);
  const int n = 200000;
  double su = 0, se = 0, sn = 0, sn2 = 0, sp = 0, sp2 = 0, sbig = 0;
  std::vector<int> bins(6, 0);
  for (int i = 0; i < n; ++i) {
    su += rng.uniform();
    se += rng.exponential(2.0);
    const double z = rng.normal();
    sn += z;
    sn2 += z * z;
    const double p = static_cast<double>(rng.poisson(3.5));
    sp += p;
    sp2 += p * p;
    sbig += static_cast<double>(rng.poisson(250.0));
    ++bins[rng.below(6)];
  }
  CHECK(su / n == doctest::Approx(0.5).epsilon(0.01));
  CHECK(se / n == doctest::Approx(0.5).epsilon(0.01));
  CHECK(std::abs(sn / n) < 0.01);
  CHECK(sn2 / n == doctest::Approx(1.0).epsilon(0.01));
  CHECK(sp / n == doctest::Approx(3.5).epsilon(0.01));
  CHECK(sp2 / n - (sp / n) * (sp / n) == doctest::Approx(3.5).epsilon(0.02));
  CHECK(sbig / n == doctest::Approx(250.0).epsilon(0.002));
  for (int count : bins) CHECK(count == doctest::Approx(n / 6.0).epsilon(0.03));
}
