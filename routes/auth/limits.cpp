#include "routes/auth/limits.hpp"

namespace emu::routes::auth {

namespace {

// Loose and off modes accept any key or token, so the count of distinct credentials in one minute is
// bounded here instead: beyond it, newcomers are counted together.
constexpr std::size_t max_tracked = 10'000;
const std::string shared_count = "\x01 others";

}  // namespace

void limits::check_not_locked(std::string_view ak, std::int64_t now_ms) const {
    if (settings_.lockout_failures == 0) return;
    std::lock_guard lock(mutex_);
    const auto it = keys_.find(std::string(ak));
    if (it != keys_.end() && now_ms < it->second.locked_until_ms) {
        throw gateway_error(401, "APIGW.0301",
                            "Incorrect IAM authentication information: AK access failed to reach the "
                            "limit,forbidden.");
    }
}

void limits::failed(std::string_view ak, std::int64_t now_ms) {
    if (settings_.lockout_failures == 0) return;
    std::lock_guard lock(mutex_);
    auto& key = keys_[std::string(ak)];
    if (++key.failures >= settings_.lockout_failures) {
        key.failures = 0;
        key.locked_until_ms = now_ms + std::chrono::milliseconds(settings_.lockout_duration).count();
    }
}

void limits::succeeded(std::string_view ak) {
    if (settings_.lockout_failures == 0) return;
    std::lock_guard lock(mutex_);
    const auto it = keys_.find(std::string(ak));
    if (it != keys_.end()) it->second.failures = 0;
}

void limits::admit(std::string_view credential, std::int64_t now_ms) {
    if (settings_.rate_limit == 0) return;
    const std::int64_t minute = now_ms / 60'000;
    std::lock_guard lock(mutex_);
    if (minute != minute_) {
        minute_ = minute;
        requests_.clear();
    }
    std::string key(credential);
    if (!requests_.contains(key) && requests_.size() >= max_tracked) key = shared_count;
    auto& count = requests_[key];
    if (count >= settings_.rate_limit) {
        throw gateway_error(429, "APIGW.0308",
                            "The throttling threshold has been reached: policy user over ratelimit,limit:" +
                                std::to_string(settings_.rate_limit) + ",time:1 minute");
    }
    ++count;
}

}  // namespace emu::routes::auth
