#include "policies/rl/runtime_mlp.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <mutex>
#include <numbers>
#include <random>

#include "sim/error.hpp"

namespace clustersim::rl {

namespace {

constexpr int F = kRuntimeMlpFeatures;
constexpr double kLogScale = 12.0;  // log1p(seconds) / 12 is in [0, ~1.2] for runtimes up to a year
constexpr int kBuckets = 8;

double scaled_log(double seconds) { return std::log1p(std::max(0.0, seconds)) / kLogScale; }

// runtime_mlp_features with log1p(requested seconds) given (the caller needs it too).
void features(const SubmitInfo& job, const double* h, int n, double recent_log_mean, double log_requested, float* out) {
  const double req_scaled = log_requested / kLogScale;  // scaled_log(requested)
  const Resources total = job.total();
  out[0] = static_cast<float>(req_scaled);
  // log1p is the costliest part of a prediction: the core counts most jobs ask are tabled.
  static const std::array<float, 1025> log_cores = [] {
    std::array<float, 1025> t;
    for (size_t c = 0; c < t.size(); ++c) t[c] = static_cast<float>(std::log1p(static_cast<double>(c)) / 8.0);
    return t;
  }();
  out[1] = total.cores >= 0 && total.cores < static_cast<int64_t>(log_cores.size())
               ? log_cores[static_cast<size_t>(total.cores)]
               : static_cast<float>(std::log1p(static_cast<double>(total.cores)) / 8.0);
  out[2] = total.gpu_milli == 0 ? 0.0f : static_cast<float>(std::log1p(static_cast<double>(total.gpu_milli) / 1000.0) / 4.0);
  double m2 = 0, m4 = 0;
  for (int i = 0; i < n; ++i) (i < 2 ? m2 : m4) += h[i];
  m4 += m2;
  out[3] = n > 0 ? 1.0f : 0.0f;
  const double last = n > 0 ? scaled_log(h[0]) : 0.0;
  out[4] = static_cast<float>(last);
  out[5] = n > 0 ? static_cast<float>(scaled_log(m2 / std::min(n, 2))) : 0.0f;
  out[6] = n > 0 ? static_cast<float>(scaled_log(m4 / n)) : 0.0f;
  out[7] = n > 0 ? static_cast<float>(last - req_scaled) : 0.0f;
  const double day = std::fmod(job.submit.seconds(), 86400.0) / 86400.0 * 2 * std::numbers::pi;
  out[8] = static_cast<float>(std::sin(day));
  out[9] = static_cast<float>(std::cos(day));
  out[10] = static_cast<float>(recent_log_mean);
  for (int k = 0; k < kBuckets; ++k) out[11 + k] = 0.0f;
  if (job.user >= 0) out[11 + (static_cast<uint32_t>(job.user) * 2654435761u >> 29)] = 1.0f;
}

class RuntimeMlp final : public RuntimePredictor {
 public:
  explicit RuntimeMlp(const RuntimeMlpConfig& c) : c_(c), rng_(c.seed) {
    const int64_t H = c_.hidden;
    // One flat parameter tensor (and one flat gradient) with each layer a view of it: one
    // Adam update per step for the whole network instead of one per tensor.
    params_ = torch::zeros({H * F + H + H * H + H + H + 1});
    grads_ = torch::zeros_like(params_);
    int64_t at = 0;
    auto layer = [&](int64_t out, int64_t in) {
      Layer l{params_.narrow(0, at, out * in).view({out, in}), params_.narrow(0, at + out * in, out),
              grads_.narrow(0, at, out * in).view({out, in}), grads_.narrow(0, at + out * in, out)};
      at += out * in + out;
      return l;
    };
    l1_ = layer(H, F);
    l2_ = layer(H, H);
    l3_ = layer(1, H);  // zero: untrained, it predicts the requested time
    init(l1_, F);
    init(l2_, H);
    params_.mutable_grad() = grads_;
    opt_ = std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{params_}, torch::optim::AdamOptions(c_.lr));
    replay_x_.resize(static_cast<size_t>(c_.replay) * F);
    replay_y_.resize(static_cast<size_t>(c_.replay));
    copy_weights();
  }

  std::string name() const override { return "mlp"; }

  void predict(std::span<const SubmitInfo> jobs, std::span<double> seconds) override {
    for (size_t i = 0; i < jobs.size(); ++i) {
      Pending& pending = pending_slot(jobs[i].job);
      const double log_req = std::log1p(std::max(0.0, jobs[i].requested.seconds()));
      pending.log_requested = log_req;
      std::array<float, F>& x = pending.x;
      features_of(jobs[i], log_req, x.data());
      const double y = forward(x.data());
      seconds[i] = std::expm1(y * kLogScale + log_req);
    }
  }

  void learn(const SubmitInfo& job, double runtime_s) override {
    std::array<float, F> x;
    double log_req;
    const size_t id = job.job.value();
    if (id < slot_of_.size() && slot_of_[id] != kNoSlot) {
      x = pending_[slot_of_[id]].x;
      log_req = pending_[slot_of_[id]].log_requested;
      free_.push_back(slot_of_[id]);
      slot_of_[id] = kNoSlot;
    } else {
      log_req = std::log1p(std::max(0.0, job.requested.seconds()));
      features_of(job, log_req, x.data());  // never predicted: as of now
    }
    const size_t slot = replay_next_;
    std::copy(x.begin(), x.end(), replay_x_.begin() + static_cast<std::ptrdiff_t>(slot * F));
    const double log_runtime = scaled_log(runtime_s);
    replay_y_[slot] = static_cast<float>(log_runtime - log_req / kLogScale);  // scaled_log(requested)
    replay_next_ = (replay_next_ + 1) % static_cast<size_t>(c_.replay);
    replay_size_ = std::min(replay_size_ + 1, static_cast<size_t>(c_.replay));

    if (job.user >= 0) history_.add(job.user, runtime_s);
    recent_ = has_recent_ ? recent_ + (log_runtime - recent_) / 16.0 : log_runtime;
    has_recent_ = true;
    if (++learned_ == next_round_) {
      train();
      interval_ = std::min<int64_t>(interval_ * 2, c_.max_interval);
      next_round_ += interval_;
    }
  }

 private:
  // A linear layer: weights [out, in] and bias [out], views of params_, and their gradients,
  // views of grads_.
  struct Layer {
    torch::Tensor w, b, gw, gb;
  };

  // Uniform in +-1/sqrt(fan_in) (torch's default for Linear), weights then bias.
  void init(Layer& l, int64_t fan_in) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
    for (torch::Tensor* t : {&l.w, &l.b}) {
      float* p = t->data_ptr<float>();
      for (int64_t i = 0; i < t->numel(); ++i) p[i] = static_cast<float>((uniform() * 2 - 1) * bound);
    }
  }
  double uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

  struct Pending {
    std::array<float, F> x;  // features
    double log_requested;    // log1p(requested seconds)
  };
  Pending& pending_slot(JobId job) {
    const size_t id = job.value();
    if (id >= slot_of_.size()) slot_of_.resize(std::max<size_t>(id + 1, slot_of_.size() * 2), kNoSlot);
    if (slot_of_[id] == kNoSlot) {
      if (free_.empty()) {
        free_.push_back(static_cast<uint32_t>(pending_.size()));
        pending_.emplace_back();
      }
      slot_of_[id] = free_.back();
      free_.pop_back();
    }
    return pending_[slot_of_[id]];
  }

  void features_of(const SubmitInfo& job, double log_requested, float* out) const {
    double h[UserHistory::kKeep];
    const int n = job.user < 0 ? 0 : history_.last(job.user, UserHistory::kKeep, h);
    features(job, h, n, recent_, log_requested, out);
  }

  // The network on one input, in plain C++ over the weights copied after the last training.
  // Weights are stored transposed (input-major) so the inner loops run over the outputs and
  // vectorise; each output still sums bias + w[0] x[0] + w[1] x[1] + ... in that order, the
  // order of the plain dot product, so both versions give the same bits.
  double forward(const float* x) const { return c_.hidden == 16 ? forward_v4<16>(x) : forward_any(x); }

  // The default width: the hidden units in registers, four to a vector (GCC / Clang vector
  // extension); twice as fast as forward_any, whose sums go through memory.
  template <size_t kH>
  double forward_v4(const float* x) const {
    using v4 = float __attribute__((vector_size(16)));
    constexpr size_t B = kH / 4;
    v4 a[B], c[B];
    std::memcpy(a, b1_c_.data(), sizeof a);
    for (size_t k = 0; k < F; ++k)
      for (size_t i = 0; i < B; ++i) {
        v4 w;
        std::memcpy(&w, &w1t_c_[k * kH + 4 * i], sizeof w);
        a[i] += w * x[k];
      }
    float h1[kH];
    for (size_t i = 0; i < B; ++i) {
      const v4 relu = a[i] > 0 ? a[i] : v4{};
      std::memcpy(&h1[4 * i], &relu, sizeof relu);
    }
    std::memcpy(c, b2_c_.data(), sizeof c);
    for (size_t k = 0; k < kH; ++k)
      for (size_t i = 0; i < B; ++i) {
        v4 w;
        std::memcpy(&w, &w2t_c_[k * kH + 4 * i], sizeof w);
        c[i] += w * h1[k];
      }
    float h2[kH];
    std::memcpy(h2, c, sizeof h2);
    float y = b3_c_;
    for (size_t k = 0; k < kH; ++k) y += w3_c_[k] * std::max(h2[k], 0.0f);
    return y;
  }

  double forward_any(const float* x) const {
    const size_t H = static_cast<size_t>(c_.hidden);
    float h1[256], h2[256];
    std::copy_n(b1_c_.data(), H, h1);
    for (size_t k = 0; k < F; ++k) {
      const float xk = x[k], *w = &w1t_c_[k * H];
      for (size_t i = 0; i < H; ++i) h1[i] += w[i] * xk;
    }
    for (size_t i = 0; i < H; ++i) h1[i] = std::max(h1[i], 0.0f);
    std::copy_n(b2_c_.data(), H, h2);
    for (size_t k = 0; k < H; ++k) {
      const float xk = h1[k], *w = &w2t_c_[k * H];
      for (size_t i = 0; i < H; ++i) h2[i] += w[i] * xk;
    }
    float y = b3_c_;
    for (size_t k = 0; k < H; ++k) y += w3_c_[k] * std::max(h2[k], 0.0f);
    return y;
  }

  // Copies the weights out of torch for forward(): biases as they are, weights transposed.
  void copy_weights() {
    const size_t H = static_cast<size_t>(c_.hidden);
    auto transposed = [](const torch::Tensor& w, std::vector<float>& out) {
      const float* p = w.data_ptr<float>();
      const size_t rows = static_cast<size_t>(w.size(0)), cols = static_cast<size_t>(w.size(1));
      out.resize(rows * cols);
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) out[c * rows + r] = p[r * cols + c];
    };
    transposed(l1_.w, w1t_c_);
    transposed(l2_.w, w2t_c_);
    b1_c_.assign(l1_.b.data_ptr<float>(), l1_.b.data_ptr<float>() + H);
    b2_c_.assign(l2_.b.data_ptr<float>(), l2_.b.data_ptr<float>() + H);
    w3_c_.assign(l3_.w.data_ptr<float>(), l3_.w.data_ptr<float>() + H);
    b3_c_ = l3_.b.data_ptr<float>()[0];
  }

  // `steps` Adam steps on minibatches of the replay. The gradient of the mean squared error
  // is written by hand into the flat gradient, with the very ATen calls autograd's backward
  // of mse_loss, addmm and relu makes (torch/csrc/autograd/FunctionsManual.cpp:
  // mse_loss_backward, mm_mat1_backward, mm_mat2_backward, threshold_backward; the bias
  // gradient is sum_to over the batch), so the numbers are autograd's
  // (RuntimeMlp.HandWrittenGradientIsAutogradsGradient) without building a graph per step:
  // with the single Adam update over the flat tensor, a step costs about 0.04 ms instead of
  // 0.16 ms (0.25 ms in a replay).
  void train() {
    const size_t n = replay_size_;
    if (n < 32) return;
    // No graph (the gradient is written by hand) and no autograd dispatch at all: the Adam
    // state tensors, made here on the first step, are inference tensors, only ever used here.
    c10::InferenceMode inference;
    const int64_t b = std::min<int64_t>(c_.batch, static_cast<int64_t>(n));
    xb_.resize(static_cast<size_t>(b) * F);
    yb_.resize(static_cast<size_t>(b));
    for (int32_t s = 0; s < c_.steps; ++s) {
      for (int64_t r = 0; r < b; ++r) {
        const size_t k = static_cast<size_t>(rng_() % n);
        std::copy_n(replay_x_.begin() + static_cast<std::ptrdiff_t>(k * F), F, xb_.begin() + r * F);
        yb_[static_cast<size_t>(r)] = replay_y_[k];
      }
      const torch::Tensor x = torch::from_blob(xb_.data(), {b, F});
      const torch::Tensor y = torch::from_blob(yb_.data(), {b, 1});
      const torch::Tensor h1 = torch::relu(torch::addmm(l1_.b, x, l1_.w.t()));
      const torch::Tensor h2 = torch::relu(torch::addmm(l2_.b, h1, l2_.w.t()));
      const torch::Tensor out = torch::addmm(l3_.b, h2, l3_.w.t());
      backward(x, h1, h2, (out - y).mul_(2.0 / static_cast<double>(b)));  // d mse / d out
      opt_->step();
    }
    copy_weights();
  }

  // The hand-written gradient against autograd's on a random batch, with a random output
  // layer (so that every gradient is nonzero): the largest absolute difference. For tests.
 public:
  double gradient_gap(int64_t b) {
    std::vector<float> xs(static_cast<size_t>(b) * F), ys(static_cast<size_t>(b));
    for (float& v : xs) v = static_cast<float>(uniform() * 2 - 1);
    for (float& v : ys) v = static_cast<float>(uniform() * 2 - 1);
    init(l3_, c_.hidden);
    const torch::Tensor x = torch::from_blob(xs.data(), {b, F}), y = torch::from_blob(ys.data(), {b, 1});
    torch::Tensor hand;
    {
      torch::NoGradGuard no_grad;
      const torch::Tensor h1 = torch::relu(torch::addmm(l1_.b, x, l1_.w.t()));
      const torch::Tensor h2 = torch::relu(torch::addmm(l2_.b, h1, l2_.w.t()));
      backward(x, h1, h2, (torch::addmm(l3_.b, h2, l3_.w.t()) - y).mul_(2.0 / static_cast<double>(b)));
      hand = grads_.clone();
    }
    const int64_t H = c_.hidden;
    const torch::Tensor p = params_.detach().clone().set_requires_grad(true);
    int64_t at = 0;
    auto take = [&](std::vector<int64_t> shape) {
      int64_t n = 1;
      for (int64_t d : shape) n *= d;
      const torch::Tensor t = p.narrow(0, at, n).view(shape);
      at += n;
      return t;
    };
    const torch::Tensor w1 = take({H, F}), b1 = take({H}), w2 = take({H, H}), b2 = take({H}), w3 = take({1, H}),
                        b3 = take({1});
    const torch::Tensor h = torch::relu(torch::addmm(b2, torch::relu(torch::addmm(b1, x, w1.t())), w2.t()));
    torch::mse_loss(torch::addmm(b3, h, w3.t()), y).backward();
    return (p.grad() - hand).abs().max().item<double>();
  }

 private:
  // Gradients of the three layers from d loss / d output [b, 1].
  void backward(const torch::Tensor& x, const torch::Tensor& h1, const torch::Tensor& h2, const torch::Tensor& d3) {
    torch::mm_out(l3_.gw, d3.t(), h2);
    torch::sum_out(l3_.gb, d3, {0});
    const torch::Tensor d2 = torch::threshold_backward(torch::mm(d3, l3_.w), h2, 0);
    torch::mm_out(l2_.gw, d2.t(), h1);
    torch::sum_out(l2_.gb, d2, {0});
    const torch::Tensor d1 = torch::threshold_backward(torch::mm(d2, l2_.w), h1, 0);
    torch::mm_out(l1_.gw, d1.t(), x);
    torch::sum_out(l1_.gb, d1, {0});
  }

  RuntimeMlpConfig c_;
  std::mt19937_64 rng_;
  torch::Tensor params_, grads_;  // every weight and bias, flat; the layers are views
  Layer l1_, l2_, l3_;
  std::unique_ptr<torch::optim::Adam> opt_;
  std::vector<float> w1t_c_, b1_c_, w2t_c_, b2_c_, w3_c_;  // copies for forward(), weights transposed
  float b3_c_ = 0;

  UserHistory history_;
  double recent_ = 0;
  bool has_recent_ = false;
  // What the jobs predicted and not learned yet were predicted from: in pending_ (slots
  // reused through free_), at slot_of_[JobId] (kNoSlot: none). No allocation per job, and
  // memory for the jobs in the system only, plus 4 bytes a job.
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  std::vector<Pending> pending_;
  std::vector<uint32_t> free_, slot_of_;
  std::vector<float> replay_x_, replay_y_, xb_, yb_;
  size_t replay_next_ = 0, replay_size_ = 0;
  int64_t learned_ = 0;
  int64_t interval_ = c_.train_every, next_round_ = c_.train_every;
};

}  // namespace

void RuntimeMlpConfig::validate() const {
  auto need = [](bool ok, const char* field, double v, const char* what) {
    if (!ok) throw InputError(std::string("mlp predictor: ") + field + ": must be " + what + ", got " + std::to_string(v));
  };
  need(hidden >= 1 && hidden <= 256, "hidden", hidden, "in [1, 256]");
  need(train_every >= 1, "train_every", train_every, ">= 1");
  need(max_interval >= train_every, "max_interval", max_interval, ">= train_every");
  need(steps >= 0, "steps", steps, ">= 0");
  need(batch >= 1, "batch", batch, ">= 1");
  need(replay >= 1, "replay", replay, ">= 1");
  need(lr > 0, "lr", lr, "> 0");
}

void runtime_mlp_features(const SubmitInfo& job, const double* h, int n, double recent_log_mean, float* out) {
  features(job, h, n, recent_log_mean, std::log1p(std::max(0.0, job.requested.seconds())), out);
}

std::unique_ptr<RuntimePredictor> make_runtime_mlp(const RuntimeMlpConfig& config) {
  config.validate();
  return std::make_unique<RuntimeMlp>(config);
}

double runtime_mlp_gradient_gap(const RuntimeMlpConfig& config, int64_t batch) {
  config.validate();
  return RuntimeMlp(config).gradient_gap(batch);
}

void register_runtime_predictors() {
  static std::once_flag once;
  std::call_once(once, [] {
    PredictorRegistry::extend_builtin([](PredictorRegistry& r) {
      r.add({"mlp",
             "a two-layer MLP (libtorch) over submit-time features and the user's recent runtimes, trained online "
             "on log runtime after 64, 128, 256, ... (at most 1,024) more finished jobs (docs/predictors.md)",
             [] { return make_runtime_mlp(); }});
    });
  });
}

}  // namespace clustersim::rl
