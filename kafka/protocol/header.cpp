#include "kafka/protocol/header.hpp"

namespace emu::kafka::protocol {

request_header read_header_start(reader& in) {
    request_header h;
    h.api_key = in.int16();
    h.api_version = in.int16();
    h.correlation_id = in.int32();
    return h;
}

void read_header_rest(reader& in, request_header& header, bool flexible) {
    if (const auto id = in.nullable_string()) header.client_id.emplace(*id);
    in.tagged_fields(flexible);
}

void start_response(std::string& out, std::int32_t correlation_id, bool flexible) {
    writer w(out);
    w.int32(0);
    w.int32(correlation_id);
    w.tagged_fields(flexible);
}

void finish_frame(std::string& out, std::size_t spliced) {
    writer(out).patch_int32(0, static_cast<std::int32_t>(out.size() + spliced - 4));
}

}  // namespace emu::kafka::protocol
