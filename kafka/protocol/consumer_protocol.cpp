#include "kafka/protocol/consumer_protocol.hpp"

#include "kafka/protocol/codec.hpp"

namespace emu::kafka::protocol {

std::optional<std::vector<topic_assignment>> decode_consumer_assignment(std::string_view bytes) {
    std::vector<topic_assignment> out;
    if (bytes.empty()) return out;
    try {
        reader in(bytes);
        const std::int16_t version = in.int16();
        if (version < 0) return std::nullopt;
        const auto topics = in.array_length(false, 6);
        for (std::int32_t t = 0; t < topics; ++t) {
            auto& topic = out.emplace_back();
            topic.topic = std::string(in.string());
            const auto partitions = in.array_length(false, 4);
            for (std::int32_t p = 0; p < partitions; ++p) topic.partitions.push_back(in.int32());
        }
        // user_data follows; a version-0 assignment may end here.
        return out;
    } catch (const decode_error&) {
        return std::nullopt;
    }
}

}  // namespace emu::kafka::protocol
