#include "server/kafka/listeners.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
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

std::shared_ptr<net::listener> listeners::bind_one(
    const std::shared_ptr<const emu::kafka::connection_context>& connection, std::set<std::uint16_t>& taken,
    std::uint16_t& port, std::optional<std::uint16_t> pinned, std::string& error) {
    const unsigned attempts = pinned || settings_.first_port == 0 ? 1 : port_attempts;
    for (unsigned i = 0; i < attempts; ++i) {
        const unsigned candidate = pinned                      ? *pinned
                                   : settings_.first_port == 0 ? 0u
                                                               : settings_.first_port + i;
        if (candidate > 65535) break;
        if (candidate != 0 && taken.contains(static_cast<std::uint16_t>(candidate))) continue;
        // The session factory reaches the registry through a weak reference: the listener owns the factory.
        auto self = std::make_shared<std::weak_ptr<net::listener>>();
        auto acceptor = std::make_shared<net::listener>(
            ioc_, settings_.bind_host, static_cast<std::uint16_t>(candidate), settings_.max_connections,
            [self, connection, limits = settings_.limits](net::strand_socket&& socket) {
                // As Kafka's brokers do: an answer's last segment never waits for the client's delayed ACK.
                boost::system::error_code ignored;
                socket.set_option(net::tcp::no_delay(true), ignored);
                return make_session(std::move(socket), self->lock()->registry(), connection, limits);
            },
            [](net::strand_socket&& socket) {
                // Kafka has no refusal message: the connection is closed.
                boost::system::error_code ignored;
                socket.close(ignored);
            });
        *self = acceptor;
        try {
            port = acceptor->listen();
            taken.insert(port);
            return acceptor;
        } catch (const boost::system::system_error& e) {
            if (pinned) {
                error = "its pinned Kafka port " + std::to_string(*pinned) + " on " + settings_.bind_host +
                        " cannot be bound: " + e.code().message();
                return nullptr;
            }
            if (settings_.first_port == 0) {
                error = "cannot listen on " + settings_.bind_host + ": " + e.code().message();
                return nullptr;
            }
        }
    }
    error = "no free Kafka port from " + std::to_string(settings_.first_port) + " on " + settings_.bind_host;
    return nullptr;
}

listeners::open_listener listeners::open(const key& instance, std::int32_t brokers,
                                         std::optional<std::int32_t> pinned, std::set<std::uint16_t> taken,
                                         std::string& error) {
    auto connection = std::make_shared<const emu::kafka::connection_context>(emu::kafka::connection_context{
        store_, instance.first, instance.second, settings_.limits.max_request_bytes, settings_.observer});
    for (const auto& [k, l] : open_) {
        for (const auto p : l.ports) taken.insert(static_cast<std::uint16_t>(p));
    }
    open_listener out;
    for (std::int32_t node = 0; node < std::max(brokers, 1); ++node) {
        std::uint16_t port = 0;
        std::optional<std::uint16_t> wanted;
        if (pinned) wanted = static_cast<std::uint16_t>(*pinned + node);
        auto acceptor = bind_one(connection, taken, port, wanted, error);
        if (!acceptor) {
            for (auto& a : out.acceptors) a->stop();
            return {};
        }
        out.acceptors.push_back(std::move(acceptor));
        out.ports.push_back(port);
    }
    return out;
}

void listeners::reconcile() {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    const auto instances = store_.instance_keys();
    std::map<key, state::kafka_store::instance_key> present;
    // Pinned ports are kept from the instances that take the lowest free ones, and opened first.
    std::set<std::uint16_t> pinned_ports;
    for (const auto& i : instances) {
        present.emplace(key{i.project_id, i.instance_id}, i);
        for (std::int32_t n = 0; i.kafka_port && n < std::max(i.brokers, 1); ++n) {
            pinned_ports.insert(static_cast<std::uint16_t>(*i.kafka_port + n));
        }
    }
    for (auto it = open_.begin(); it != open_.end();) {
        if (present.contains(it->first)) {
            ++it;
            continue;
        }
        spdlog::info("kafka: instance {} is gone; its ports are closed", it->first.second);
        for (auto& a : it->second.acceptors) a->stop();
        it = open_.erase(it);
    }
    std::vector<const state::kafka_store::instance_key*> order;
    for (const auto& [k, i] : present) {
        if (i.kafka_port) order.push_back(&i);
    }
    for (const auto& [k, i] : present) {
        if (!i.kafka_port) order.push_back(&i);
    }
    for (const auto* wanted : order) {
        const key k{wanted->project_id, wanted->instance_id};
        auto it = open_.find(k);
        if (it == open_.end()) {
            std::string error;
            auto opened = open(k, wanted->brokers, wanted->kafka_port,
                               wanted->kafka_port ? std::set<std::uint16_t>{} : pinned_ports, error);
            if (opened.acceptors.empty()) {
                spdlog::error("kafka: instance {} has no listener: {}", k.second, error);
                store_.set_listen_error(k.first, k.second, error);
                continue;
            }
            std::string ports;
            for (const auto p : opened.ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
            spdlog::info("kafka: instance {} listens on {} ports {}, advertised as {}", k.second,
                         settings_.bind_host, ports, settings_.advertised_host);
            if (started_) {
                for (auto& a : opened.acceptors) a->start();
            }
            it = open_.emplace(k, std::move(opened)).first;
        }
        try {
            store_.set_address(k.first, k.second,
                               {settings_.advertised_host, it->second.ports.front(), it->second.ports});
        } catch (const std::exception&) {
            // Deleted meanwhile: the next reconcile closes its ports.
        }
    }
}

void listeners::start() {
    std::lock_guard lock(mutex_);
    started_ = true;
    for (auto& [k, l] : open_) {
        for (auto& a : l.acceptors) a->start();
    }
}

void listeners::stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    for (auto& [k, l] : open_) {
        for (auto& a : l.acceptors) a->stop();
    }
    open_.clear();
}

std::size_t listeners::size() const {
    std::lock_guard lock(mutex_);
    return open_.size();
}

std::uint16_t listeners::port_of(const std::string& project_id, const std::string& instance_id) const {
    std::lock_guard lock(mutex_);
    const auto it = open_.find({project_id, instance_id});
    return it == open_.end() ? 0 : static_cast<std::uint16_t>(it->second.ports.front());
}

}  // namespace emu::server::kafka
