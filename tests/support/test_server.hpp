#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/app.hpp"
#include "server/config.hpp"
#include "state/state.hpp"

namespace emu::test {

// A clock the test moves by hand.
struct manual_clock {
    std::atomic<std::int64_t> now_ms{1'700'000'000'000};
    state::clock_fn fn() {
        return [this] { return now_ms.load(); };
    }
};

struct http_reply {
    unsigned status = 0;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    const std::string& header(const std::string& lower_name) const;
    // Parses the body; fails the current test when it is not JSON.
    rapidjson::Document json() const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// Sends one request over a fresh TCP connection with Boost.Beast and reads the answer.
http_reply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::string& body = {}, const header_list& headers = {});

// The real server on 127.0.0.1 and a free port, with its own state and manual clock.
class test_server {
  public:
    // `tweak` may change the settings (body limit, timeouts, storage cap) before the state is made and the
    // server listens.
    explicit test_server(const std::function<void(server::config&)>& tweak = {});
    // Starts with these authentication settings; their clock becomes the server's manual clock, so
    // X-Sdk-Date checks never depend on the wall clock.
    explicit test_server(routes::auth::auth_settings auth,
                         const std::function<void(server::config&)>& tweak = {});
    ~test_server();

    std::uint16_t port() const { return port_; }
    state::state& state() { return app_->state(); }
    manual_clock& clock() { return clock_; }
    const server::app& app() const { return *app_; }
    // The emulator's own runtime (journal, fault rules, metrics) of this server.
    routes::control::control_plane& control() const { return app_->pipeline().control(); }

    // Adds Content-Type: application/json as the SDKs do, unless `headers` has one, and
    // X-Auth-Token: test_token unless `headers` carries X-Auth-Token or Authorization.
    http_reply request(const std::string& method, const std::string& target, const std::string& body = {},
                       const header_list& headers = {}) const;

  private:
    manual_clock clock_;
    std::unique_ptr<server::app> app_;
    std::uint16_t port_ = 0;
};

// The token test_server::request sends when the caller brings no credential (any token passes loose mode).
inline const std::string test_token = "MIItest-token-of-the-emulator-suite";

// IDs for tests.
inline const std::string project_id = "0123456789abcdef0123456789abcdef";
inline const std::string other_project_id = "fedcba9876543210fedcba9876543210";

}  // namespace emu::test
