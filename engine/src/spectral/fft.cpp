#include <fftw3.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "fft_internal.hpp"
#include "tealeaves/core/errors.hpp"

namespace tealeaves::spectral {
namespace detail {
namespace {

// Guards every FFTW planner call, plan destruction and wisdom access. Recursive, because a
// plan released while the cache holds the lock destroys itself under the same lock.
std::recursive_mutex& planner_mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

class FftwPlan final : public RealPlan {
 public:
  FftwPlan(std::size_t n, fftw_plan plan, bool measured)
      : RealPlan(n), plan_(plan), measured_(measured) {}
  ~FftwPlan() override {
    std::lock_guard lock(planner_mutex());
    fftw_destroy_plan(plan_);
  }
  FftwPlan(const FftwPlan&) = delete;
  FftwPlan& operator=(const FftwPlan&) = delete;
  bool measured() const { return measured_; }
  void forward(double* in, std::complex<double>* out) const override {
    fftw_execute_dft_r2c(plan_, in, reinterpret_cast<fftw_complex*>(out));
  }
  void inverse(std::complex<double>* in, double* out) const override {
    fftw_execute_dft_c2r(plan_, reinterpret_cast<fftw_complex*>(in), out);
  }

 private:
  fftw_plan plan_;
  bool measured_;
};

struct PlanCache {
  PlanCache() { planner_mutex(); }  // constructed first, so destroyed after the plans
  std::map<std::pair<bool, std::size_t>, std::shared_ptr<const FftwPlan>> plans;
  PlanCacheStats stats;
  bool wisdom_loaded = false;
};

PlanCache& cache() {
  static PlanCache instance;
  return instance;
}

void load_wisdom_once(PlanCache& c) {
  if (c.wisdom_loaded) return;
  c.wisdom_loaded = true;
  const std::string path = wisdom_path();
  if (!path.empty() && std::filesystem::exists(path)) {
    // A corrupt or foreign wisdom file only costs speed, so a failed import is ignored.
    (void)fftw_import_wisdom_from_filename(path.c_str());
  }
}

void save_wisdom() {
  const std::string path = wisdom_path();
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string tmp = path + ".tmp";
  // Write then rename, so a reader never sees half a file. Failure only loses a speed-up.
  if (fftw_export_wisdom_to_filename(tmp.c_str())) std::filesystem::rename(tmp, path, ec);
}

fftw_plan make_fftw_plan(bool inverse, std::size_t n, unsigned flags) {
  AlignedBuffer<double> real;
  AlignedBuffer<std::complex<double>> spectrum;
  double* r = real.ensure(n);
  auto* c = reinterpret_cast<fftw_complex*>(spectrum.ensure(n / 2 + 1));
  const int size = static_cast<int>(n);
  return inverse ? fftw_plan_dft_c2r_1d(size, c, r, flags)
                 : fftw_plan_dft_r2c_1d(size, r, c, flags);
}

std::shared_ptr<const FftwPlan> create(bool inverse, std::size_t n, PlanEffort effort) {
  bool measured = true;
  fftw_plan plan = nullptr;
  if (effort == PlanEffort::automatic) {
    plan = make_fftw_plan(inverse, n, FFTW_MEASURE | FFTW_WISDOM_ONLY);
  } else if (effort == PlanEffort::measure) {
    plan = make_fftw_plan(inverse, n, FFTW_MEASURE | FFTW_WISDOM_ONLY);
    if (plan == nullptr) {
      plan = make_fftw_plan(inverse, n, FFTW_MEASURE);
      if (plan != nullptr) save_wisdom();
    }
  }
  if (plan == nullptr) {
    measured = false;
    plan = make_fftw_plan(inverse, n, FFTW_ESTIMATE);
  }
  if (plan == nullptr)
    throw std::runtime_error("FFTW could not plan a transform of size " + std::to_string(n));
  return std::make_shared<const FftwPlan>(n, plan, measured);
}

std::shared_ptr<const RealPlan> get_plan(bool inverse, std::size_t n, PlanEffort effort) {
  require(n >= 1 && n <= static_cast<std::size_t>(INT_MAX), "n",
          "FFT length must be in [1, 2^31-1], got " + std::to_string(n));
  std::shared_ptr<const FftwPlan> released;  // destroyed after the lock is dropped
  std::lock_guard lock(planner_mutex());
  PlanCache& c = cache();
  load_wisdom_once(c);
  auto& slot = c.plans[{inverse, n}];
  if (slot && (effort != PlanEffort::measure || slot->measured())) {
    ++c.stats.hits;
    return slot;
  }
  ++c.stats.misses;
  auto plan = create(inverse, n, effort);
  if (plan->measured()) ++c.stats.measured;
  released = std::exchange(slot, plan);
  return plan;
}

}  // namespace

std::shared_ptr<const RealPlan> forward_plan(std::size_t n, PlanEffort effort) {
  return get_plan(false, n, effort);
}

std::shared_ptr<const RealPlan> inverse_plan(std::size_t n, PlanEffort effort) {
  return get_plan(true, n, effort);
}

template <class T>
T* AlignedBuffer<T>::ensure(std::size_t n) {
  if (n > capacity_) {
    release();
    data_ = static_cast<T*>(fftw_malloc(n * sizeof(T)));
    if (data_ == nullptr) throw std::bad_alloc();
    capacity_ = n;
  }
  return data_;
}

template <class T>
void AlignedBuffer<T>::release() {
  fftw_free(data_);
  data_ = nullptr;
  capacity_ = 0;
}

template class AlignedBuffer<double>;
template class AlignedBuffer<std::complex<double>>;

ThreadBuffers& thread_buffers() {
  thread_local ThreadBuffers buffers;
  return buffers;
}

}  // namespace detail

std::size_t next_fast_size(std::size_t n) {
  if (n <= 1) return 1;
  for (std::size_t m = n;; ++m) {
    std::size_t r = m;
    for (std::size_t p : {2u, 3u, 5u, 7u}) {
      while (r % p == 0) r /= p;
    }
    if (r == 1) return m;
  }
}

void prepare_plans(std::span<const std::size_t> sizes, PlanEffort effort) {
  for (const std::size_t n : sizes) {
    detail::forward_plan(n, effort);
    detail::inverse_plan(n, effort);
  }
}

PlanCacheStats plan_cache_stats() {
  std::lock_guard lock(detail::planner_mutex());
  PlanCacheStats stats = detail::cache().stats;
  stats.plans = detail::cache().plans.size();
  return stats;
}

void clear_plan_cache() {
  decltype(detail::cache().plans) released;  // destroyed after the lock is dropped
  std::lock_guard lock(detail::planner_mutex());
  released.swap(detail::cache().plans);
}

std::string wisdom_path() {
  if (const char* explicit_path = std::getenv("TEALEAVES_FFTW_WISDOM")) return explicit_path;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/tealeaves/fftw-wisdom";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/tealeaves/fftw-wisdom";
  }
  return {};
}

void release_thread_buffers() {
  detail::ThreadBuffers& buffers = detail::thread_buffers();
  buffers.real.release();
  buffers.spectrum.release();
}

}  // namespace tealeaves::spectral
