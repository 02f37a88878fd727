#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "routes/http/request.hpp"

namespace emu::server::http {

// A parsed Beast request as the pipeline sees it: method, decoded target, headers as received, body.
// Shared by the connection code and the in-process fuzz target, so both feed the pipeline the same way.
routes::request_context to_request_context(
    boost::beast::http::request<boost::beast::http::string_body>&& request, std::string request_id);

// 32 random lower-case hex digits, as the cloud's gateways give every request.
std::string new_request_id();

// The reason phrase of a status: the standard one, or for the ones the standard lacks (494, DIS's 441),
// a phrase of its class, never Beast's "<unknown-status>".
std::string_view reason_phrase(unsigned status);

// The status line and header fields of an answer. Written by hand because Beast's generic serializer
// cost more instructions than the rest of a small request's handling; the bytes are the same as
// http::response with prepare_payload() would send.
std::string response_head(const routes::response& answer, std::string_view request_id, bool keep_alive);

}  // namespace emu::server::http
