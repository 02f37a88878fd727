#include "server/request_conversion.hpp"

#include <iterator>
#include <utility>

namespace emu::server {

routes::request_context to_request_context(
    boost::beast::http::request<boost::beast::http::string_body>&& request, std::string request_id) {
    routes::request_context ctx;
    ctx.request_id = std::move(request_id);
    ctx.method = std::string(request.method_string());
    routes::parse_target(ctx, request.target());
    ctx.headers.reserve(static_cast<std::size_t>(std::distance(request.begin(), request.end())));
    for (const auto& field : request) ctx.headers.emplace_back(field.name_string(), field.value());
    ctx.body = std::move(request.body());
    return ctx;
}

}  // namespace emu::server
