#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

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
};

// One Kafka listener per DMS instance of the registry: follows the store's instances (its observer calls
// reconcile()), opening a port for each instance that comes and closing it when the instance goes, and
// tells the store the address each instance reports (ShowInstance) and advertises (Metadata).
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
    // Open Kafka listeners (one per instance) and the port of one instance (0: none).
    std::size_t size() const;
    std::uint16_t port_of(const std::string& project_id, const std::string& instance_id) const;

  private:
    struct open_listener {
        std::shared_ptr<net::listener> acceptor;
        std::uint16_t port = 0;
    };
    using key = std::pair<std::string, std::string>;  // project id, instance id

    // Binds the lowest free port from the first one (or an ephemeral one); none when no port can be bound.
    open_listener open(const key& instance);

    boost::asio::io_context& ioc_;
    state::kafka_store& store_;
    listener_settings settings_;
    mutable std::mutex mutex_;  // guards everything below
    std::map<key, open_listener> open_;
    bool started_ = false;
    bool stopped_ = false;
};

}  // namespace emu::server::kafka
