#include "policies/rl/demand_mlp.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "policies/autoscale/forecaster.hpp"
#include "sim/error.hpp"

namespace clustersim::rl {

void DemandMlpConfig::validate() const {
  auto require = [](bool ok, const char* key, const std::string& rule) {
    if (!ok) throw InputError(std::string("forecaster mlp: parameter '") + key + "': must be " + rule);
  };
  require(window >= 1 && window <= 4096, "window", "in 1 .. 4096, got " + std::to_string(window));
  require(hidden >= 1 && hidden <= 4096, "hidden", "in 1 .. 4096, got " + std::to_string(hidden));
  require(learning_rate > 0 && std::isfinite(learning_rate), "lr", "> 0, got " + std::to_string(learning_rate));
  require(batch >= 1, "batch", ">= 1, got " + std::to_string(batch));
  require(train_steps >= 0, "train_steps", ">= 0, got " + std::to_string(train_steps));
  require(warmup >= 1, "warmup", ">= 1, got " + std::to_string(warmup));
  require(buffer >= 1, "buffer", ">= 1, got " + std::to_string(buffer));
  require(horizon_steps >= 1, "horizon_steps", ">= 1, got " + std::to_string(horizon_steps));
}

namespace {

class DemandMlp : public DemandForecaster {
 public:
  explicit DemandMlp(const DemandMlpConfig& c)
      : c_(c),
        l1_(torch::nn::LinearOptions(c.window, c.hidden)),
        l2_(torch::nn::LinearOptions(c.hidden, 1)),
        rng_(c.seed) {
    torch::NoGradGuard no_grad;
    for (torch::nn::Linear* l : {&l1_, &l2_}) {
      const double bound = 1.0 / std::sqrt(static_cast<double>((*l)->options.in_features()));
      for (torch::Tensor* t : {&(*l)->weight, &(*l)->bias}) {
        std::uniform_real_distribution<float> u(static_cast<float>(-bound), static_cast<float>(bound));
        std::vector<float> v(static_cast<size_t>(t->numel()));
        for (float& x : v) x = u(rng_);
        t->copy_(torch::from_blob(v.data(), t->sizes(), torch::kFloat32));
      }
    }
    std::vector<torch::Tensor> params = l1_->parameters();
    for (const auto& p : l2_->parameters()) params.push_back(p);
    opt_ = std::make_unique<torch::optim::Adam>(params, torch::optim::AdamOptions(c_.learning_rate));
  }

  std::string name() const override { return "mlp"; }
  double forecast() const override { return forecast_; }

  void observe(double demand) override {
    series_.push_back(demand);
    scale_ = std::max(scale_, std::abs(demand));
    const int64_t pairs = num_pairs();
    if (pairs >= c_.warmup) {
      for (int64_t s = 0; s < c_.train_steps; ++s) train_step(pairs);
    }
    forecast_ = demand;  // last value until the net has warmed up
    if (pairs >= c_.warmup) {
      torch::NoGradGuard no_grad;
      torch::Tensor x = torch::empty({1, c_.window});
      fill_window(x.data_ptr<float>(), static_cast<int64_t>(series_.size()) - c_.window);
      forecast_ = std::max(0.0, static_cast<double>(net(x).item<float>()) * scale_);
    }
  }

 private:
  // Pair i: window series_[i .. i+w-1] -> mean of series_[i+w .. i+w+k-1].
  int64_t num_pairs() const {
    return std::max<int64_t>(0, static_cast<int64_t>(series_.size()) - c_.window - c_.horizon_steps + 1);
  }
  void fill_window(float* out, int64_t first) const {
    for (int64_t j = 0; j < c_.window; ++j) out[j] = static_cast<float>(series_[static_cast<size_t>(first + j)] / scale_);
  }
  torch::Tensor net(const torch::Tensor& x) { return l2_->forward(torch::tanh(l1_->forward(x))); }

  void train_step(int64_t pairs) {
    const int64_t span = std::min(pairs, c_.buffer), first = pairs - span;
    const int64_t b = std::min(c_.batch, span);
    std::uniform_int_distribution<int64_t> pick(first, pairs - 1);
    torch::Tensor x = torch::empty({b, c_.window}), y = torch::empty({b, 1});
    float* xp = x.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    for (int64_t r = 0; r < b; ++r) {
      const int64_t i = pick(rng_);
      fill_window(xp + r * c_.window, i);
      double sum = 0;
      for (int64_t k = 0; k < c_.horizon_steps; ++k) sum += series_[static_cast<size_t>(i + c_.window + k)];
      yp[r] = static_cast<float>(sum / static_cast<double>(c_.horizon_steps) / scale_);
    }
    opt_->zero_grad();
    torch::Tensor loss = torch::mse_loss(net(x), y);
    loss.backward();
    opt_->step();
  }

  DemandMlpConfig c_;
  torch::nn::Linear l1_, l2_;
  std::unique_ptr<torch::optim::Adam> opt_;
  std::mt19937_64 rng_;
  std::vector<double> series_;
  double scale_ = 1.0;
  double forecast_ = 0;
};

}  // namespace

std::unique_ptr<DemandForecaster> make_demand_mlp(const DemandMlpConfig& config) {
  config.validate();  // before torch sees the sizes
  return std::make_unique<DemandMlp>(config);
}

void register_demand_mlp(ForecasterRegistry& registry) {
  if (registry.find("mlp")) return;
  registry.add({"mlp",
                "a small MLP (libtorch) trained online: a window of past demand samples -> mean demand over the "
                "next horizon",
                {{"window", "12", "past samples in the input"},
                 {"hidden", "32", "hidden units (one tanh layer)"},
                 {"lr", "0.01", "Adam learning rate"},
                 {"batch", "32", "minibatch size"},
                 {"train_steps", "2", "Adam steps after each sample"},
                 {"warmup", "16", "training pairs before the net predicts (until then: the last sample)"},
                 {"buffer", "4096", "the latest pairs it trains on"}},
                [](const PolicyParams& p, const ForecastSetup& s) -> std::unique_ptr<DemandForecaster> {
                  DemandMlpConfig c;
                  c.window = p.get_int("window", c.window);
                  c.hidden = p.get_int("hidden", c.hidden);
                  c.learning_rate = p.get_double("lr", c.learning_rate);
                  c.batch = p.get_int("batch", c.batch);
                  c.train_steps = p.get_int("train_steps", c.train_steps);
                  c.warmup = p.get_int("warmup", c.warmup);
                  c.buffer = p.get_int("buffer", c.buffer);
                  c.horizon_steps = s.horizon_steps;
                  c.seed = s.seed;
                  return make_demand_mlp(c);
                }});
}

}  // namespace clustersim::rl
