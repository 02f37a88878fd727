#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"

// ApiVersions (AK ApiVersionsRequest/Response.json): v3 carries the client's software name and version,
// which the broker only validates; the answer lists the table.
namespace emu::kafka {

namespace {

void read_api_versions(const request& req, protocol::reader& body) {
    if (req.version() >= 3) {
        body.compact_string();  // client_software_name
        body.compact_string();  // client_software_version
        body.skip_tagged_fields();
    }
}

void write_api_versions(const request& req, protocol::writer& out, protocol::error_code error) {
    out.error(error);
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
}

}  // namespace

handler_result handlers::api_versions(const request& req, protocol::reader& body, protocol::writer& out) {
    read_api_versions(req, body);
    write_api_versions(req, out, protocol::error_code::none);
    return {};
}

// The table stays in the answer: a client that retries needs it as much as Kafka's own error answer
// (UNSUPPORTED_VERSION) gives it.
handler_result error_answers::api_versions(const request& req, protocol::reader& body, protocol::writer& out,
                                           error_code error) {
    read_api_versions(req, body);
    write_api_versions(req, out, error);
    return {};
}

}  // namespace emu::kafka
