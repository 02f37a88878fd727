#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

#include "routes/request.hpp"

namespace emu::server {

// A parsed Beast request as the router sees it: method, decoded target, headers as received, body.
// Shared by the connection code and the in-process fuzz target, so both feed the router the same way.
routes::request_context to_request_context(
    boost::beast::http::request<boost::beast::http::string_body>&& request, std::string request_id);

}  // namespace emu::server
