// Plain FFTW C++ baseline for bench/surrogates.py: the least work a shuffle-surrogate test of
// the max Leahy power can do, with no library in between.
//
//   surrogates_loop INPUT N_EVENTS SPAN N_SURROGATES REPEATS SEED THREADS
//
// INPUT holds N_EVENTS sorted float64 event times in [0, SPAN]. Per surrogate: shuffle the gaps
// (Fisher-Yates, xoshiro256++ seeded per surrogate through SplitMix64 exactly as tealeaves'
// Rng(seed, surrogate index), so both draw the same surrogates), cumulative sum from the
// first event (clamped to the last), bin to ceil(SPAN) one-second bins, r2c FFT (FFTW_ESTIMATE,
// as tealeaves' "auto" effort without wisdom), max of 2 |X_k|^2 / N_EVENTS over
// 1 <= k < n/2. THREADS std::threads split the surrogates in contiguous blocks, each with its own
// fftw_malloc'd buffers (touched before timing) and new-array execute of one shared plan.
// Prints one JSON object in the format of bench/surrogates_worker.py.
#include <fftw3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Xoshiro {
  std::uint64_t s[4];
  static std::uint64_t splitmix(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  Xoshiro(std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t x = seed ^ (0xd1b54a32d192ed03ULL * (stream + 1));
    for (auto& v : s) v = splitmix(x);
  }
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t next() {
    const std::uint64_t r = rotl(s[0] + s[3], 23) + s[0];
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
  }
  // Lemire's nearly divisionless unbiased bounded integer.
  std::uint64_t below(std::uint64_t bound) {
    __uint128_t m = static_cast<__uint128_t>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = -bound % bound;
      while (low < threshold) {
        m = static_cast<__uint128_t>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
};

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Worker {
  std::vector<double> gaps;
  double* counts = nullptr;
  fftw_complex* spectrum = nullptr;
};

struct Problem {
  std::vector<double> times;
  std::size_t bins = 0;
  fftw_plan plan = nullptr;
  std::uint64_t seed = 0;
};

void run_block(const Problem& p, Worker& w, std::size_t begin, std::size_t end, double* out) {
  const std::vector<double>& t = p.times;
  const std::size_t n = t.size();
  const std::size_t last = p.bins / 2;  // Nyquist (or the top bin for odd sizes) left out
  const double scale = 2.0 / static_cast<double>(n);
  const double first = t.front(), stop = t.back();
  const auto top = static_cast<std::ptrdiff_t>(p.bins - 1);
  for (std::size_t i = begin; i < end; ++i) {
    Xoshiro rng(p.seed, i);
    for (std::size_t k = 0; k + 1 < n; ++k) w.gaps[k] = t[k + 1] - t[k];
    for (std::size_t k = n - 1; k > 1; --k) std::swap(w.gaps[k - 1], w.gaps[rng.below(k)]);
    std::fill(w.counts, w.counts + p.bins, 0.0);
    double cursor = first;
    w.counts[std::min(static_cast<std::ptrdiff_t>(cursor), top)] += 1.0;
    for (std::size_t k = 0; k + 1 < n; ++k) {
      cursor += w.gaps[k];
      const double v = std::min(cursor, stop);
      w.counts[std::min(static_cast<std::ptrdiff_t>(v), top)] += 1.0;
    }
    fftw_execute_dft_r2c(p.plan, w.counts, w.spectrum);
    double best = 0.0;
    for (std::size_t k = 1; k < last; ++k) {
      const double power =
          w.spectrum[k][0] * w.spectrum[k][0] + w.spectrum[k][1] * w.spectrum[k][1];
      best = std::max(best, power);
    }
    out[i] = best * scale;
  }
}

void run_all(const Problem& p, std::vector<Worker>& workers, std::vector<double>& out) {
  const std::size_t threads = workers.size(), total = out.size();
  std::vector<std::thread> pool;
  for (std::size_t j = 1; j < threads; ++j) {
    pool.emplace_back([&, j] {
      run_block(p, workers[j], total * j / threads, total * (j + 1) / threads, out.data());
    });
  }
  run_block(p, workers[0], 0, total / threads, out.data());
  for (std::thread& th : pool) th.join();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr,
                 "usage: surrogates_loop INPUT N_EVENTS SPAN N_SURROGATES REPEATS SEED THREADS\n");
    return 2;
  }
  const std::size_t n_events = std::strtoull(argv[2], nullptr, 10);
  const double span = std::strtod(argv[3], nullptr);
  const std::size_t n_surrogates = std::strtoull(argv[4], nullptr, 10);
  const int repeats = std::atoi(argv[5]);
  const std::size_t threads = std::max<std::size_t>(1, std::strtoull(argv[7], nullptr, 10));
  Problem p;
  p.seed = std::strtoull(argv[6], nullptr, 10);
  p.times.resize(n_events);
  std::FILE* f = std::fopen(argv[1], "rb");
  if (f == nullptr || std::fread(p.times.data(), sizeof(double), n_events, f) != n_events) {
    std::fprintf(stderr, "cannot read %zu doubles from %s\n", n_events, argv[1]);
    return 1;
  }
  std::fclose(f);
  if (n_events < 2) return 2;
  p.bins = static_cast<std::size_t>(std::ceil(span));

  const auto t_plan = Clock::now();
  std::vector<Worker> workers(threads);
  for (Worker& w : workers) {
    w.gaps.assign(n_events - 1, 0.0);
    w.counts = fftw_alloc_real(p.bins);
    w.spectrum = fftw_alloc_complex(p.bins / 2 + 1);
    std::memset(static_cast<void*>(w.counts), 0, p.bins * sizeof(double));
    std::memset(static_cast<void*>(w.spectrum), 0, (p.bins / 2 + 1) * sizeof(fftw_complex));
  }
  p.plan = fftw_plan_dft_r2c_1d(static_cast<int>(p.bins), workers[0].counts, workers[0].spectrum,
                                FFTW_ESTIMATE);
  std::vector<double> out(n_surrogates, 0.0);
  run_all(p, workers, out);  // warm-up
  const double warmup = std::chrono::duration<double>(Clock::now() - t_plan).count();

  std::string times = "[", cpus = "[", faults = "[";
  for (int r = 0; r < repeats; ++r) {
    const long f0 = minor_faults();
    const double c0 = cpu_seconds();
    const auto t0 = Clock::now();
    run_all(p, workers, out);
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const char* sep = r == 0 ? "" : ", ";
    times += sep + std::to_string(wall);
    cpus += sep + std::to_string(cpu_seconds() - c0);
    faults += sep + std::to_string(minor_faults() - f0);
  }
  double mean = 0.0, max = 0.0;
  for (double v : out) {
    mean += v;
    max = std::max(max, v);
  }
  mean /= static_cast<double>(out.size());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "{\"warmup\": %.6f, \"times\": %s], \"cpu\": %s], \"faults\": %s], \"null_mean\": %.17g, "
      "\"null_max\": %.17g, \"maxrss_kib\": %ld}\n",
      warmup, times.c_str(), cpus.c_str(), faults.c_str(), mean, max, usage.ru_maxrss);
  fftw_destroy_plan(p.plan);
  for (Worker& w : workers) {
    fftw_free(w.counts);
    fftw_free(w.spectrum);
  }
  return 0;
}
