#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kafka/handlers.hpp"
#include "server/kafka/session.hpp"
#include "server/net/listener.hpp"
#include "state/kafka/instances.hpp"

namespace emu::server::kafka {

struct listener_settings {
    std::string bind_host = "127.0.0.1";
    std::string advertised_host = "127.0.0.1";
    std::uint16_t first_port = 9092;  // each instance takes the lowest free port from here; 0: ephemeral
    unsigned max_connections = 512;   // per listener, as for HTTP
    session_limits limits;
    // Told of every connection and request, asked for faults (the control plane's metrics and rules).
    std::shared_ptr<emu::kafka::request_observer> observer;
};

// The Kafka listeners of the registry's DMS instances: one port per broker of each instance (node ids 0 to
// broker_num - 1, all serving the instance's one cluster), as DMS gives every broker a host of its own and
// Kafka clients tell brokers apart by address. Follows the store's instances (its observer calls
// reconcile()), opening an instance's ports as it comes and closing them as it goes, and tells the store
// the address each instance reports (ShowInstance) and advertises (Metadata).
class listeners {
  public:
    listeners(boost::asio::io_context& ioc, state::kafka_store& store, listener_settings settings);
    ~listeners();
    listeners(const listeners&) = delete;
    listeners& operator=(const listeners&) = delete;

    // Opens and closes listeners to match the store's instances, and sets every instance's address.
    // Starts accepting on the ones it opens once start() has run.
    void reconcile();
    // Starts accepting on every open listener, and on those opened later.
    void start();
    // Closes every listener; reconcile() opens none afterwards.
    void stop();
    // Instances with open listeners, and the port of one instance's broker 0 (0: none).
    std::size_t size() const;
    std::uint16_t port_of(const std::string& project_id, const std::string& instance_id) const;

  private:
    struct open_listener {
        std::vector<std::shared_ptr<net::listener>> acceptors;  // by node id
        std::vector<std::int32_t> ports;
    };
    using key = std::pair<std::string, std::string>;  // project id, instance id

    // Binds `brokers` ports: `pinned` and those after it, else each the lowest free one from the first
    // port that is not `taken` (or ephemeral ones); none when they cannot all be bound, with why in `error`.
    open_listener open(const key& instance, std::int32_t brokers, std::optional<std::int32_t> pinned,
                       std::set<std::uint16_t> taken, std::string& error);
    std::shared_ptr<net::listener> bind_one(
        const std::shared_ptr<const emu::kafka::connection_context>& connection,
        std::set<std::uint16_t>& taken, std::uint16_t& port, std::optional<std::uint16_t> pinned,
        std::string& error);

    boost::asio::io_context& ioc_;
    state::kafka_store& store_;
    listener_settings settings_;
    mutable std::mutex mutex_;  // guards everything below
    std::map<key, open_listener> open_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace emu::server::kafka
