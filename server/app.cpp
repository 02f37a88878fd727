#include "server/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>

#include "kafka/protocol/api_keys.hpp"
#include "routes/auth/credentials.hpp"
#include "routes/control/fixture.hpp"

namespace emu::server {

namespace {

routes::auth::auth_settings configured_auth(const config& settings, const state::clock_fn& clock) {
    routes::auth::auth_settings auth;
    auth.mode = *routes::auth::parse_auth_mode(settings.auth_mode);  // CLI11 admits only the three names
    auth.now_ms = clock;
    if (!settings.credentials.empty()) {
        try {
            routes::auth::load_credentials_file(settings.credentials, auth);
        } catch (const routes::auth::credentials_error& error) {
            throw startup_error(2, std::string("bad credentials: ") + error.what());
        }
    } else if (auth.mode == routes::auth::auth_mode::strict) {
        throw startup_error(2, "--auth-mode strict needs --credentials FILE");
    }
    auth.limits.lockout_failures = settings.ak_lockout;
    auth.limits.lockout_duration = std::chrono::seconds(settings.ak_lockout_seconds);
    auth.limits.rate_limit = settings.rate_limit;
    auth.control_token = settings.control_token;
    spdlog::info("authentication: {} mode, {} access keys, {} tokens{}{}{}",
                 routes::auth::auth_mode_name(auth.mode), auth.credentials.size(), auth.tokens.size(),
                 settings.ak_lockout == 0 ? "" : ", AK lockout on",
                 settings.rate_limit == 0 ? "" : ", rate limit on",
                 settings.control_token.empty() ? "" : ", control plane guarded by a token");
    return auth;
}

// What the Kafka listeners report and ask, answered by the control plane: its Kafka counters and its
// fault rules (those with kafka_api).
class kafka_control final : public emu::kafka::request_observer {
  public:
    kafka_control(routes::control::control_plane& control, persistence* kept, const state::state& st)
        : control_(control), kept_(kept), state_(st) {}

    bool keep(std::string_view project_id, std::string_view instance_id, std::int16_t key) override {
        if (kept_ == nullptr) return true;
        using emu::kafka::protocol::api_key;
        switch (static_cast<api_key>(key)) {
            case api_key::fetch:
            case api_key::list_offsets:
            case api_key::offset_fetch:
            case api_key::find_coordinator:
            case api_key::heartbeat:
            case api_key::describe_groups:
            case api_key::list_groups:
            case api_key::api_versions:
            case api_key::describe_configs:
            case api_key::init_producer_id:
                return true;  // they change nothing that is kept
            default:
                break;
        }
        persistence::scope what;
        what.project_id = std::string(project_id);
        if (static_cast<api_key>(key) == api_key::produce) {
            what.metadata = false;
            what.instance_id = std::string(instance_id);
            what.dis = false;
        }
        try {
            kept_->commit(state_, what);
            return true;
        } catch (const std::exception& error) {
            spdlog::error("kafka: instance {}: a change could not be kept: {}", instance_id, error.what());
            return false;
        }
    }

    void connection_opened(std::string_view, std::string_view) override {
        control_.kafka.connection_opened();
    }
    void connection_closed(std::string_view, std::string_view) override {
        control_.kafka.connection_closed();
    }

    std::optional<emu::kafka::injected_fault> fault_for(std::string_view project_id, std::string_view,
                                                        std::int16_t api_key, std::int16_t) override {
        if (!control_.faults.active()) return std::nullopt;
        const auto action = control_.faults.match_kafka(api_key, project_id);
        if (!action) return std::nullopt;
        return emu::kafka::injected_fault{action->kafka_error, action->drop, action->delay};
    }

    void request_done(std::string_view, std::string_view, std::int16_t api_key, std::int16_t,
                      std::span<const std::int16_t> errors) override {
        control_.kafka.observe(api_key, errors);
    }

  private:
    routes::control::control_plane& control_;
    persistence* kept_;
    const state::state& state_;
};

// What a REST request may have changed, for --data-dir.
persistence::scope commit_scope(const routes::request_context& ctx, const routes::route& r) {
    persistence::scope what;
    if (r.family == routes::service::gateway) return what;  // the control plane: anything, anywhere
    if (const auto& project = ctx.param("project_id"); !project.empty()) what.project_id = project;
    if (r.operation == "SendKafkaMessage" && what.project_id) {
        what.metadata = false;
        what.instance_id = ctx.param("instance_id");
        what.dis = false;
    } else if (r.operation == "SendRecords" && what.project_id) {
        what.metadata = false;
        what.kafka = false;
    }
    return what;
}

std::unique_ptr<persistence> open_data_dir(const config& settings) {
    if (settings.data_dir.empty()) return nullptr;
    try {
        return std::make_unique<persistence>(settings.data_dir, *parse_fsync_policy(settings.fsync),
                                             settings.fsync_interval);
    } catch (const persist::unusable_dir& error) {
        throw startup_error(1, error.what());
    } catch (const persist::corrupt_file& error) {
        throw startup_error(1, std::string("--data-dir ") + settings.data_dir + ": " + error.what());
    }
}

}  // namespace

app::app(const config& settings, app_options options)
    : settings_(settings),
      clock_(std::move(options.clock)),
      pipeline_(routes::make_pipeline()),
      state_(std::make_unique<state::state>(clock_, settings_.max_stored_bytes)),
      services_{settings_, pipeline_, *state_},
      ioc_(static_cast<int>(settings_.threads == 0 ? 1 : settings_.threads)),
      timers_(std::make_shared<net::asio_timers>(ioc_)) {
    state_->kafka.set_timers(timers_);
    persistence_ = open_data_dir(settings_);
    if (persistence_ && persistence_->holds_state()) {
        if (!settings_.fixture.empty())
            spdlog::info("--data-dir {} was used before: its state is restored, --fixture {} is not loaded",
                         settings_.data_dir, settings_.fixture);
        try {
            persistence_->restore(*state_);
        } catch (const std::exception& error) {
            throw startup_error(1, std::string("--data-dir ") + settings_.data_dir + ": " + error.what());
        }
        const auto counts = state_->counts();
        spdlog::info("--data-dir {}: restored {} instances, {} topics, {} messages, {} streams, {} records",
                     settings_.data_dir, counts.kafka.instances, counts.kafka.topics, counts.kafka.messages,
                     counts.dis.streams, counts.dis.records);
    } else if (!settings_.fixture.empty()) {
        routes::control::fixture_faults faults{pipeline_.control().cloud_operations, {}};
        try {
            routes::control::load_fixture_file(settings_.fixture, *state_, &faults);
        } catch (const routes::control::fixture_error& error) {
            throw startup_error(2, std::string("bad fixture: ") + error.what());
        }
        for (auto& rule : faults.rules) pipeline_.control().faults.add(std::move(rule));
        if (persistence_) {
            try {
                persistence_->commit(*state_, {});  // the fixture seeds the directory
            } catch (const std::exception& error) {
                throw startup_error(1, "--data-dir " + settings_.data_dir +
                                           ": the fixture's state could not be written: " + error.what());
            }
        }
    }
    if (persistence_) {
        pipeline_.set_commit([this](const routes::request_context& ctx, const routes::route& r) {
            if (r.family == routes::service::gateway && r.operation != "EmulatorReset" &&
                r.operation != "ReplaceState" && r.operation != "MergeState")
                return;
            persistence_->commit(*state_, commit_scope(ctx, r));
        });
    }
    if (options.auth) {
        options.auth->now_ms = clock_;
        pipeline_.set_auth(std::move(*options.auth));
    } else {
        pipeline_.set_auth(configured_auth(settings_, clock_));
    }
    pipeline_.control().requests.configure(settings_.journal_size, settings_.journal_body_limit, clock_);
    pipeline_.set_body_limit(settings_.body_limit);
}

app::~app() {
    state_->kafka.set_instances_observer({});
    stop();
}

std::unique_ptr<state::state> app::new_state() const {
    auto fresh = std::make_unique<state::state>(clock_, settings_.max_stored_bytes);
    fresh->kafka.set_timers(timers_);
    return fresh;
}

std::uint16_t app::listen() {
    http_listener_ = std::make_shared<net::listener>(
        ioc_, settings_.host, settings_.port, settings_.max_connections,
        [this](net::strand_socket&& socket) {
            return http::make_session(std::move(socket), http_listener_->registry(), services_);
        },
        [this](net::strand_socket&& socket) {
            http::refuse_connection(std::move(socket), pipeline_, settings_.max_connections);
        });
    const auto port = http_listener_->listen();
    kafka::listener_settings kafka_settings;
    kafka_settings.bind_host = settings_.kafka_host.empty() ? settings_.host : settings_.kafka_host;
    kafka_settings.advertised_host = settings_.kafka_advertised_host;
    if (kafka_settings.advertised_host.empty()) {
        const bool wildcard = kafka_settings.bind_host == "0.0.0.0" || kafka_settings.bind_host == "::";
        kafka_settings.advertised_host = wildcard ? "127.0.0.1" : kafka_settings.bind_host;
    }
    kafka_settings.first_port = settings_.kafka_port;
    kafka_settings.max_connections = settings_.max_connections;
    kafka_settings.limits = {settings_.kafka_max_request_bytes, settings_.read_timeout,
                             settings_.idle_timeout};
    kafka_settings.observer =
        std::make_shared<kafka_control>(pipeline_.control(), persistence_.get(), *state_);
    state_->kafka.set_default_address({kafka_settings.advertised_host, settings_.kafka_port, {}});
    kafka_listeners_ = std::make_unique<kafka::listeners>(ioc_, state_->kafka, std::move(kafka_settings));
    state_->kafka.set_instances_observer([listeners = kafka_listeners_.get()] { listeners->reconcile(); });
    kafka_listeners_->reconcile();
    // A fixture instance whose pinned port is taken stops startup (as any instance without a listener).
    if (const auto failed = state_->kafka.listen_errors(); !failed.empty()) {
        throw startup_error(1, "cannot open a Kafka listener: " + failed.front());
    }
    return port;
}

void app::start() {
    // spdlog builds its registry on first use; build it here, before the workers log concurrently, so its
    // construction happens on one thread (ThreadSanitizer cannot see the guard inside the shared library).
    spdlog::default_logger_raw();
    if (http_listener_) http_listener_->start();
    if (kafka_listeners_) kafka_listeners_->start();
    const unsigned threads = settings_.threads == 0 ? 1 : settings_.threads;
    workers_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { ioc_.run(); });
}

void app::stop() {
    if (stopped_ || workers_.empty()) return;
    stopped_ = true;
    timers_->shutdown();
    if (http_listener_) http_listener_->stop();
    if (kafka_listeners_) {
        state_->kafka.set_instances_observer({});
        kafka_listeners_->stop();
    }
    // In-flight answers get a bounded time to finish; then the loop is stopped regardless.
    std::mutex done_mutex;
    std::condition_variable done_cv;
    bool done = false;  // guarded by done_mutex
    std::thread watchdog([&] {
        std::unique_lock lock(done_mutex);
        if (!done_cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; })) ioc_.stop();
    });
    for (auto& worker : workers_) worker.join();
    {
        std::lock_guard lock(done_mutex);
        done = true;
    }
    done_cv.notify_all();
    watchdog.join();
}

void app::run_until_signal() {
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);
    signals.async_wait([](boost::system::error_code, int signal) {
        spdlog::info("signal {} received, shutting down", signal);
    });
    signals_ioc.run();
    stop();
}

}  // namespace emu::server
