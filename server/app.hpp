#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "routes/pipeline.hpp"
#include "server/config.hpp"
#include "server/http/session.hpp"
#include "server/kafka/listeners.hpp"
#include "server/net/listener.hpp"
#include "server/net/timers.hpp"
#include "server/persistence.hpp"
#include "state/state.hpp"

namespace emu::server {

// A configuration the emulator cannot start with (a bad fixture or credentials file); what() says why.
class startup_error : public std::runtime_error {
  public:
    startup_error(int exit_code, const std::string& message)
        : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const noexcept { return exit_code_; }

  private:
    int exit_code_;
};

// What the caller may supply instead of the configuration's defaults (tests, fuzz targets).
struct app_options {
    state::clock_fn clock = state::system_now_ms;  // the state's, the auth checks' and the journal's time
    // Authentication settings as they are; none: from --auth-mode and --credentials.
    std::optional<routes::auth::auth_settings> auth;
};

// The composition root: builds the clock, the state (with the fixture loaded), the request pipeline
// (route table, authentication, journal) and the listeners, and runs them on one pool of threads. main,
// the test server and the fuzz targets all start the emulator through it.
class app {
  public:
    // Throws startup_error for a fixture or credentials file that cannot be used.
    explicit app(const config& settings, app_options options = {});
    ~app();
    app(const app&) = delete;
    app& operator=(const app&) = delete;

    // Binds the HTTP port and returns it (useful with port 0); throws when it cannot be bound. Opens a
    // Kafka listener for every DMS instance, now and whenever one comes into being.
    std::uint16_t listen();
    // The Kafka listeners (null before listen()).
    const kafka::listeners* kafka_listeners() const { return kafka_listeners_.get(); }
    // Starts the worker threads; returns at once.
    void start();
    // Stops accepting, lets in-flight requests finish, closes idle connections, joins the workers.
    void stop();
    // Blocks until SIGINT or SIGTERM, then stops.
    void run_until_signal();

    state::state& state() { return *state_; }
    const routes::pipeline& pipeline() const { return pipeline_; }
    const config& settings() const { return settings_; }
    // A state of its own with the same clock and storage cap (fuzz targets use one per input).
    std::unique_ptr<state::state> new_state() const;

  private:
    config settings_;
    state::clock_fn clock_;
    routes::pipeline pipeline_;
    std::unique_ptr<state::state> state_;
    std::unique_ptr<persistence> persistence_;  // --data-dir; null: in memory only
    http::service_context services_;

    boost::asio::io_context ioc_;
    // The state's timers (group session and rebalance timeouts) on ioc_.
    std::shared_ptr<net::asio_timers> timers_;
    std::shared_ptr<net::listener> http_listener_;
    std::unique_ptr<kafka::listeners> kafka_listeners_;
    std::vector<std::thread> workers_;
    bool stopped_ = false;  // touched only by the thread calling start/stop
};

}  // namespace emu::server
