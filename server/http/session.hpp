#pragma once

#include <memory>

#include "routes/pipeline.hpp"
#include "server/config.hpp"
#include "server/net/listener.hpp"
#include "state/state.hpp"

namespace emu::server::http {

// What an HTTP connection serves requests with; the app keeps it alive until its threads have ended.
struct service_context {
    const config& settings;
    const routes::pipeline& pipeline;
    state::state& state;
};

// An HTTP/1.1 connection with keep-alive and pipelining on its own strand: reads a request within the
// read timeout, hands it to the pipeline, carries out a fault rule's delay or drop, writes the answer.
std::shared_ptr<net::session> make_session(net::strand_socket&& socket,
                                           std::shared_ptr<net::session_registry> owner,
                                           const service_context& services);

// A connection over --max-connections: answered 429 by the pipeline's refusal, then closed.
void refuse_connection(net::strand_socket&& socket, const routes::pipeline& pipeline, unsigned limit);

}  // namespace emu::server::http
