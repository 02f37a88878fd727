#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "kafka/dispatch.hpp"
#include "server/net/listener.hpp"

namespace emu::server::kafka {

struct session_limits {
    std::size_t max_request_bytes = 100 * 1024 * 1024;  // Kafka's socket.request.max.bytes
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
};

// A Kafka connection on its own strand: reads size-prefixed request frames one at a time, hands each to
// kafka::dispatch and writes its answer before reading the next, so answers go back in request order
// however many requests the client pipelines. A Fetch long-poll waits on a timer and the cluster's append
// notice, never on a thread. A frame larger than the limit (or a negative size) closes the connection, as
// Kafka's InvalidReceiveException does; so does a frame not complete within the read timeout.
std::shared_ptr<net::session> make_session(net::strand_socket&& socket,
                                           std::shared_ptr<net::session_registry> owner,
                                           std::shared_ptr<const emu::kafka::connection_context> connection,
                                           const session_limits& limits);

}  // namespace emu::server::kafka
