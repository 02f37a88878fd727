#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/codec.hpp"

// The shape Produce, Fetch, ListOffsets and DeleteRecords share, in their requests and their answers: an
// array of topics, each a name and an array of partitions. The names are views into the request's frame,
// which outlives the answer written from them.
namespace emu::kafka {

template <typename Partition>
struct per_topic {
    std::string_view name;
    std::vector<Partition> partitions;
};

template <typename Partition>
using topics_of = std::vector<per_topic<Partition>>;

// Reads the topics array; `read_partition(body)` reads one partition, which takes at least
// `partition_bytes`. Nothing is reserved ahead from the counts: what is kept grows with what decoded.
template <typename Partition, typename Read>
topics_of<Partition> read_topics(protocol::reader& body, std::size_t partition_bytes, Read read_partition) {
    topics_of<Partition> topics;
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = topics.emplace_back();
        topic.name = body.string();
        const auto partition_count = body.array_length(false, partition_bytes);
        for (std::int32_t p = 0; p < partition_count; ++p) topic.partitions.push_back(read_partition(body));
    }
    return topics;
}

// The same topics and partitions, in order, each partition answered by `answer(topic, partition)` with
// the topic's name as the cluster takes it.
template <typename Answer, typename Partition, typename Make>
topics_of<Answer> answer_each(const topics_of<Partition>& topics, Make answer) {
    topics_of<Answer> out;
    out.reserve(topics.size());
    for (const auto& topic : topics) {
        auto& answered = out.emplace_back();
        answered.name = topic.name;
        answered.partitions.reserve(topic.partitions.size());
        const std::string name(topic.name);
        for (const auto& p : topic.partitions) answered.partitions.push_back(answer(name, p));
    }
    return out;
}

// Writes the topics array; `write_partition(partition)` writes one partition.
template <typename Partition, typename Write>
void write_topics(protocol::writer& out, const topics_of<Partition>& topics, Write write_partition) {
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto& p : topic.partitions) write_partition(p);
    }
}

}  // namespace emu::kafka
