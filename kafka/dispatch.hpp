#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "kafka/handlers.hpp"

namespace emu::kafka {

// What the session does with one request frame.
struct outcome {
    std::string frame;   // the response, size prefix included; empty: nothing to send
    bool close = false;  // close the connection (after sending `frame`, if any), as Kafka does
    // The request waits (a Fetch long-poll): call dispatch again with the same bytes when an append
    // happens or this time has passed, with final_attempt once it has.
    std::optional<std::chrono::milliseconds> wait;
};

// Serves one request frame (the bytes after its size). Kafka closes the connection on a request it cannot
// parse: an unknown API key, a version outside the table (ApiVersions excepted: it answers
// UNSUPPORTED_VERSION with the versions it has, KIP-511), or a body that does not decode.
outcome dispatch(const connection_context& connection, std::string_view frame, bool final_attempt = true);

}  // namespace emu::kafka
