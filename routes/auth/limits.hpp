#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "routes/http/api_error.hpp"

namespace emu::routes::auth {

// The gateway's two optional guards (auth.md §7.1), both off by default.
struct limit_settings {
    // Consecutive failed signatures that lock a configured access key (the gateway's is 5); 0: never.
    unsigned lockout_failures = 0;
    std::chrono::seconds lockout_duration{5 * 60};
    // Cloud API requests one credential may make per clock minute; 0: no limit.
    unsigned rate_limit = 0;
};

// What the guards remember: failures per configured access key, and this minute's requests per
// credential. Shared by every connection; guards itself.
class limits {
  public:
    explicit limits(limit_settings settings = {}) : settings_(settings) {}

    const limit_settings& settings() const noexcept { return settings_; }

    // 401 APIGW.0301 "...AK access failed to reach the limit,forbidden." while `ak` is locked.
    void check_not_locked(std::string_view ak, std::int64_t now_ms) const;
    // One more failed signature of `ak`; the lockout_failures-th in a row locks it for lockout_duration.
    void failed(std::string_view ak, std::int64_t now_ms);
    // A verified signature: the failures of `ak` are forgiven.
    void succeeded(std::string_view ak);

    // Counts one request of `credential` (an access key, a token, or empty when none was checked) in the
    // current minute: 429 APIGW.0308 past rate_limit.
    void admit(std::string_view credential, std::int64_t now_ms);

  private:
    struct key_state {
        unsigned failures = 0;
        std::int64_t locked_until_ms = 0;
    };

    limit_settings settings_;
    mutable std::mutex mutex_;  // guards keys_, minute_ and requests_
    // Only keys found in --credentials are tracked, so the map is as small as that file.
    std::unordered_map<std::string, key_state> keys_;
    std::int64_t minute_ = -1;  // the clock minute requests_ counts
    // Cleared every minute; past max_tracked credentials, new ones share one count (see limits.cpp).
    std::unordered_map<std::string, unsigned> requests_;
};

}  // namespace emu::routes::auth
