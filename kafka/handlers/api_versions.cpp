#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"

namespace emu::kafka::handlers {

// ApiVersions (AK ApiVersionsRequest/Response.json): v3 carries the client's software name and version,
// which the broker only validates; the answer lists the table.
handler_result api_versions(const request& req, protocol::reader& body, protocol::writer& out) {
    if (req.version() >= 3) {
        body.compact_string();  // client_software_name
        body.compact_string();  // client_software_version
        body.skip_tagged_fields();
    }
    out.error(protocol::error_code::none);
    const auto apis = api_table();
    out.array_length(apis.size(), req.flexible);
    for (const auto& api : apis) {
        out.int16(static_cast<std::int16_t>(api.key));
        out.int16(api.min_version);
        out.int16(api.max_version);
        out.tagged_fields(req.flexible);
    }
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.tagged_fields(req.flexible);
    return {};
}

}  // namespace emu::kafka::handlers
