#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/handlers.hpp"

namespace emu::kafka {

// What the session does with one request frame.
struct outcome {
    std::string frame;   // the response, size prefix included; empty: nothing to send
    bool close = false;  // close the connection (after sending `frame`, if any), as Kafka does
    // The request waits (a Fetch long-poll): call dispatch again with the same bytes when an append
    // happens or this time has passed, with final_attempt once it has.
    std::optional<std::chrono::milliseconds> wait;
    // A fault rule's delay: send the answer (or close, or read on) this much later. Set on the first
    // attempt, also when it waits; the session keeps it for the final one.
    std::chrono::milliseconds delay{0};
    // The answer comes later (a JoinGroup waiting for its group): the session waits for it, and sends it.
    std::shared_ptr<deferred_answer> deferred;
    // With connection_context::splice_stored: the stored bytes the answer sends from where they lie, each
    // at its position in `frame` (which holds the rest, its size prefix counting them), in order.
    std::vector<protocol::spliced_bytes> splices{};
};

// Serves one request frame (the bytes after its size). Kafka closes the connection on a request it cannot
// parse: an unknown API key, a version outside the table (ApiVersions excepted: it answers
// UNSUPPORTED_VERSION with the versions it has, KIP-511), or a body that does not decode. The connection's
// observer, if any, is asked for a fault on the `first_attempt` at a frame (a Fetch long-poll serves the
// same frame again) and told of each request served.
outcome dispatch(const connection_context& connection, std::string_view frame, bool final_attempt = true,
                 bool first_attempt = true);

}  // namespace emu::kafka
