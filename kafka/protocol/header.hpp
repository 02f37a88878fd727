#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kafka/protocol/codec.hpp"

namespace emu::kafka::protocol {

// A request header (AK RequestHeader.json): v1 in non-flexible versions, v2 (v1 plus tagged fields) in
// flexible ones; the client id keeps its int16 length in both.
struct request_header {
    std::int16_t api_key = 0;
    std::int16_t api_version = 0;
    std::int32_t correlation_id = 0;
    std::optional<std::string> client_id;
};

// Reads api_key, api_version and correlation_id: what an answer to a request the listener cannot serve
// still needs. Throws decode_error when the frame is shorter than that.
request_header read_header_start(reader& in);
// Reads the client id and, when `flexible`, the header's tagged fields.
void read_header_rest(reader& in, request_header& header, bool flexible);

// Starts a response frame in `out`: a size placeholder, the correlation id and, when `flexible`, the
// header's (empty) tagged fields. finish_frame() fills the size in: that of `out` and of the bytes spliced
// into it (writer::splice_into), if any.
void start_response(std::string& out, std::int32_t correlation_id, bool flexible);
void finish_frame(std::string& out, std::size_t spliced = 0);

}  // namespace emu::kafka::protocol
