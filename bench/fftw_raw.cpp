// Raw FFTW baseline for bench/run.py: the least work a periodogram or an FFT autocorrelation
// can do with FFTW, on buffers allocated once, so tealeaves' overhead can be read off.
//
//   fftw_raw periodogram INPUT N REPEATS [--measure] [--wisdom FILE]
//   fftw_raw acf INPUT N REPEATS NLAGS [--measure] [--wisdom FILE]
//
// INPUT holds N raw float64 samples (native byte order). Prints one JSON object: plan time
// (apart from execution), the seconds of each timed repeat after one warm-up, minor page
// faults per repeat, and a checksum so the output cannot be optimised away.
#include <fftw3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

// Smallest m >= n of the form 2^a 3^b 5^c 7^d (as tealeaves::spectral::next_fast_size).
std::size_t next_fast_size(std::size_t n) {
  for (std::size_t m = std::max<std::size_t>(n, 1);; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2u, 3u, 5u, 7u}) {
      while (r % p == 0) r /= p;
    }
    if (r == 1) return m;
  }
}

template <class T>
T* aligned(std::size_t count) {
  auto* p = static_cast<T*>(fftw_malloc(count * sizeof(T)));
  if (p == nullptr) {
    std::fprintf(stderr, "fftw_malloc failed\n");
    std::exit(1);
  }
  std::memset(static_cast<void*>(p), 0, count * sizeof(T));  // touch every page before timing
  return p;
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

struct Options {
  std::string mode, input, wisdom;
  std::size_t n = 0, repeats = 0, nlags = 0;
  bool measure = false;
};

Options parse(int argc, char** argv) {
  Options o;
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: fftw_raw periodogram|acf INPUT N REPEATS [NLAGS] [--measure]"
                 " [--wisdom FILE]\n");
    std::exit(2);
  }
  o.mode = argv[1];
  o.input = argv[2];
  o.n = std::strtoull(argv[3], nullptr, 10);
  o.repeats = std::strtoull(argv[4], nullptr, 10);
  int i = 5;
  if (o.mode == "acf" && i < argc) o.nlags = std::strtoull(argv[i++], nullptr, 10);
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--measure") o.measure = true;
    if (arg == "--wisdom" && i + 1 < argc) o.wisdom = argv[++i];
  }
  return o;
}

// Times `body` once for warm-up, then `repeats` times; prints the JSON report.
template <class Body>
void run(const Options& o, std::size_t nfft, double plan_seconds, bool wisdom_hit, Body body) {
  const auto first_start = Clock::now();
  double checksum = body();  // warm-up; its time is reported as "first"
  const double first = seconds_since(first_start);
  std::vector<double> times;
  std::vector<long> faults;
  for (std::size_t r = 0; r < o.repeats; ++r) {
    const long f0 = minor_faults();
    const auto start = Clock::now();
    checksum += body();
    times.push_back(seconds_since(start));
    faults.push_back(minor_faults() - f0);
  }
  std::printf("{\"fftw_version\": \"%s\", \"mode\": \"%s\", \"n\": %zu, \"nfft\": %zu, ",
              fftw_version, o.mode.c_str(), o.n, nfft);
  std::printf("\"flags\": \"%s\", \"wisdom_hit\": %s, \"plan_seconds\": %.9g, ",
              o.measure ? "FFTW_MEASURE" : "FFTW_ESTIMATE", wisdom_hit ? "true" : "false",
              plan_seconds);
  std::printf("\"checksum\": %.17g, \"first\": %.9g, \"times\": [", checksum, first);
  for (std::size_t r = 0; r < times.size(); ++r) std::printf("%s%.9g", r ? ", " : "", times[r]);
  std::printf("], \"faults\": [");
  for (std::size_t r = 0; r < faults.size(); ++r) std::printf("%s%ld", r ? ", " : "", faults[r]);
  std::printf("]}\n");
}

fftw_plan plan_r2c(std::size_t m, double* in, fftw_complex* out, const Options& o, bool* hit) {
  unsigned flags = o.measure ? FFTW_MEASURE : FFTW_ESTIMATE;
  fftw_plan p = nullptr;
  if (o.measure && !o.wisdom.empty())
    p = fftw_plan_dft_r2c_1d(int(m), in, out, flags | FFTW_WISDOM_ONLY);
  *hit = *hit && p != nullptr;
  return p != nullptr ? p : fftw_plan_dft_r2c_1d(int(m), in, out, flags);
}

fftw_plan plan_c2r(std::size_t m, fftw_complex* in, double* out, const Options& o, bool* hit) {
  unsigned flags = o.measure ? FFTW_MEASURE : FFTW_ESTIMATE;
  fftw_plan p = nullptr;
  if (o.measure && !o.wisdom.empty())
    p = fftw_plan_dft_c2r_1d(int(m), in, out, flags | FFTW_WISDOM_ONLY);
  *hit = *hit && p != nullptr;
  return p != nullptr ? p : fftw_plan_dft_c2r_1d(int(m), in, out, flags);
}

// fftw_execute + |X_k|^2 into a reused buffer: what any periodogram has to do at least.
void periodogram(const Options& o, const std::vector<double>& x) {
  const std::size_t n = o.n, nf = n / 2 + 1;
  double* in = aligned<double>(n);
  auto* spectrum = aligned<fftw_complex>(nf);
  double* power = aligned<double>(nf);
  bool hit = o.measure && !o.wisdom.empty();
  const auto start = Clock::now();
  fftw_plan plan = plan_r2c(n, in, spectrum, o, &hit);
  const double plan_seconds = seconds_since(start);
  std::copy(x.begin(), x.end(), in);  // after planning: FFTW_MEASURE overwrites the arrays
  run(o, n, plan_seconds, hit, [&] {
    fftw_execute(plan);
    const auto* c = reinterpret_cast<const std::complex<double>*>(spectrum);
    for (std::size_t k = 0; k < nf; ++k) power[k] = std::norm(c[k]);
    return power[nf / 3];
  });
  fftw_destroy_plan(plan);
  fftw_free(power);
  fftw_free(spectrum);
  fftw_free(in);
}

// Demean into a zero-padded buffer of the next 2^a3^b5^c7^d >= n + nlags, r2c, |X|^2, c2r,
// then lags 0..nlags normalised by lag 0 into a reused output buffer.
void acf(const Options& o, const std::vector<double>& x) {
  const std::size_t n = o.n, m = next_fast_size(n + o.nlags), nf = m / 2 + 1;
  double* y = aligned<double>(m);
  auto* spectrum = aligned<fftw_complex>(nf);
  double* out = aligned<double>(o.nlags + 1);
  bool hit = o.measure && !o.wisdom.empty();
  const auto start = Clock::now();
  fftw_plan forward = plan_r2c(m, y, spectrum, o, &hit);
  fftw_plan inverse = plan_c2r(m, spectrum, y, o, &hit);
  const double plan_seconds = seconds_since(start);
  run(o, m, plan_seconds, hit, [&] {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += x[i];
    const double mean = sum / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = x[i] - mean;
    std::fill(y + n, y + m, 0.0);
    fftw_execute(forward);
    auto* c = reinterpret_cast<std::complex<double>*>(spectrum);
    for (std::size_t k = 0; k < nf; ++k) c[k] = std::norm(c[k]);
    fftw_execute(inverse);
    const double inv0 = 1.0 / y[0];
    for (std::size_t k = 0; k <= o.nlags; ++k) out[k] = y[k] * inv0;
    return out[1];
  });
  fftw_destroy_plan(inverse);
  fftw_destroy_plan(forward);
  fftw_free(out);
  fftw_free(spectrum);
  fftw_free(y);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  if (!o.wisdom.empty()) (void)fftw_import_wisdom_from_filename(o.wisdom.c_str());
  const std::vector<double> x = read_input(o.input.c_str(), o.n);
  if (o.mode == "periodogram") {
    periodogram(o, x);
  } else if (o.mode == "acf") {
    acf(o, x);
  } else {
    std::fprintf(stderr, "unknown mode %s\n", o.mode.c_str());
    return 2;
  }
  return 0;
}
