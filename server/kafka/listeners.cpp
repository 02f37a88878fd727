#include "server/kafka/listeners.hpp"

#include <spdlog/spdlog.h>

#include <set>
#include <vector>

namespace emu::server::kafka {

namespace {

// Ports tried from the first one before an instance goes without a listener.
constexpr unsigned port_attempts = 1000;

}  // namespace

listeners::listeners(boost::asio::io_context& ioc, state::kafka_store& store, listener_settings settings)
    : ioc_(ioc), store_(store), settings_(std::move(settings)) {}

listeners::~listeners() {
    stop();
}

listeners::open_listener listeners::open(const key& instance) {
    auto connection = std::make_shared<const emu::kafka::connection_context>(
        emu::kafka::connection_context{store_, instance.first, instance.second});
    std::set<std::uint16_t> taken;
    for (const auto& [k, l] : open_) taken.insert(l.port);
    const unsigned attempts = settings_.first_port == 0 ? 1 : port_attempts;
    for (unsigned i = 0; i < attempts; ++i) {
        const unsigned candidate = settings_.first_port == 0 ? 0u : settings_.first_port + i;
        if (candidate > 65535) break;
        if (candidate != 0 && taken.contains(static_cast<std::uint16_t>(candidate))) continue;
        std::shared_ptr<net::listener> acceptor;
        // The session factory reaches the registry through a weak reference: the listener owns the factory.
        auto self = std::make_shared<std::weak_ptr<net::listener>>();
        acceptor = std::make_shared<net::listener>(
            ioc_, settings_.bind_host, static_cast<std::uint16_t>(candidate), settings_.max_connections,
            [self, connection, limits = settings_.limits](net::strand_socket&& socket) {
                auto registry = self->lock()->registry();
                return make_session(std::move(socket), registry, connection, limits);
            },
            [](net::strand_socket&& socket) {
                // Kafka has no refusal message: the connection is closed.
                boost::system::error_code ignored;
                socket.close(ignored);
            });
        *self = acceptor;
        try {
            const std::uint16_t port = acceptor->listen();
            return open_listener{std::move(acceptor), port};
        } catch (const boost::system::system_error& e) {
            if (settings_.first_port == 0) {
                spdlog::error("kafka: cannot listen on {}: {}", settings_.bind_host, e.what());
                return {};
            }
        }
    }
    spdlog::error("kafka: no free port from {} on {} for instance {}", settings_.first_port, settings_.bind_host,
                  instance.second);
    return {};
}

void listeners::reconcile() {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    const auto instances = store_.instance_keys();
    std::set<key> present;
    for (const auto& i : instances) present.emplace(i.project_id, i.instance_id);
    for (auto it = open_.begin(); it != open_.end();) {
        if (present.contains(it->first)) {
            ++it;
            continue;
        }
        spdlog::info("kafka: instance {} is gone; port {} closed", it->first.second, it->second.port);
        it->second.acceptor->stop();
        it = open_.erase(it);
    }
    for (const auto& k : present) {
        auto it = open_.find(k);
        if (it == open_.end()) {
            auto opened = open(k);
            if (!opened.acceptor) continue;
            spdlog::info("kafka: instance {} listens on {}:{}, advertised as {}:{}", k.second, settings_.bind_host,
                         opened.port, settings_.advertised_host, opened.port);
            if (started_) opened.acceptor->start();
            it = open_.emplace(k, std::move(opened)).first;
        }
        try {
            store_.set_address(k.first, k.second, {settings_.advertised_host, it->second.port});
        } catch (const std::exception&) {
            // Deleted meanwhile: the next reconcile closes its port.
        }
    }
}

void listeners::start() {
    std::lock_guard lock(mutex_);
    started_ = true;
    for (auto& [k, l] : open_) l.acceptor->start();
}

void listeners::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& [k, l] : open_) l.acceptor->stop();
    open_.clear();
}

std::size_t listeners::size() const {
    std::lock_guard lock(mutex_);
    return open_.size();
}

std::uint16_t listeners::port_of(const std::string& project_id, const std::string& instance_id) const {
    std::lock_guard lock(mutex_);
    const auto it = open_.find({project_id, instance_id});
    return it == open_.end() ? 0 : it->second.port;
}

}  // namespace emu::server::kafka
