// Diagnostic driver for bench/: calls the tealeaves engine directly from C++ (no Python, no
// pybind11) on the same input file as fftw_raw, so the engine's own overhead over raw FFTW can
// be read off and profiled (e.g. `perf record` on this binary; build with -g for line info).
//
//   engine_loop periodogram INPUT N REPEATS      (periodogram_into, power, no detrend, reused)
//   engine_loop acf INPUT N REPEATS NLAGS        (acf with the plan cached after warm-up)
//
// Prints JSON in the same shape as fftw_raw: the seconds and minor page faults of each repeat.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/periodogram.hpp"

namespace sp = tealeaves::spectral;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

std::vector<double> read_input(const char* path, std::size_t n) {
  std::vector<double> x(n);
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr || std::fread(x.data(), sizeof(double), n, f) != n) {
    std::fprintf(stderr, "cannot read %zu float64 values from %s\n", n, path);
    std::exit(1);
  }
  std::fclose(f);
  return x;
}

template <class Body>
void run(const char* mode, std::size_t n, std::size_t repeats, Body body) {
  const auto first_start = Clock::now();
  double checksum = body();  // warm-up; its time is reported as "first"
  const double first = seconds_since(first_start);
  std::vector<double> times;
  std::vector<long> faults;
  for (std::size_t r = 0; r < repeats; ++r) {
    const long f0 = minor_faults();
    const auto start = Clock::now();
    checksum += body();
    times.push_back(seconds_since(start));
    faults.push_back(minor_faults() - f0);
  }
  std::printf("{\"mode\": \"%s\", \"n\": %zu, \"checksum\": %.17g, \"first\": %.9g, ", mode, n,
              checksum, first);
  std::printf("\"times\": [");
  for (std::size_t r = 0; r < times.size(); ++r) std::printf("%s%.9g", r ? ", " : "", times[r]);
  std::printf("], \"faults\": [");
  for (std::size_t r = 0; r < faults.size(); ++r) std::printf("%s%ld", r ? ", " : "", faults[r]);
  std::printf("]}\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: engine_loop periodogram|acf INPUT N REPEATS [NLAGS]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const std::size_t n = std::strtoull(argv[3], nullptr, 10);
  const std::size_t repeats = std::strtoull(argv[4], nullptr, 10);
  const std::vector<double> x = read_input(argv[2], n);
  if (mode == "periodogram") {
    std::vector<double> power(sp::onesided_size(n));
    sp::PeriodogramOptions o;
    o.scaling = sp::Scaling::power;
    o.detrend = sp::Detrend::none;
    run("periodogram", n, repeats, [&] {
      sp::periodogram_into(x, power, o);
      return power[n / 6];
    });
  } else if (mode == "acf" && argc > 5) {
    sp::AcfOptions o;
    o.max_lag = std::strtoull(argv[5], nullptr, 10);
    run("acf", n, repeats, [&] { return sp::acf(x, o).acf[1]; });
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  return 0;
}
