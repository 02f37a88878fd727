#include "state/kafka/batch_log.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kafka/protocol/record_batch.hpp"

namespace {

using emu::state::batch_log;
namespace protocol = emu::kafka::protocol;

// A producer's batch: `count` records with timestamps from `first_timestamp` (one ms apart), offsets from
// 0, values "v<i>", compressed with `codec`.
std::string producer_batch(int count, std::int64_t first_timestamp,
                           protocol::compression_codec codec = protocol::compression_codec::none) {
    std::vector<protocol::record> records;
    for (int i = 0; i < count; ++i) {
        protocol::record r;
        r.offset = i;
        r.timestamp = first_timestamp + i;
        r.value = "v" + std::to_string(i);
        records.push_back(r);
    }
    protocol::batch_header h;
    h.base_offset = 0;
    h.partition_leader_epoch = -1;
    return protocol::encode_batch(h, records, codec);
}

batch_log::incoming incoming(const std::string& bytes, int count, std::int64_t first_timestamp) {
    return {bytes, first_timestamp, first_timestamp + count - 1};
}

std::vector<std::string> stored_batches(const batch_log& log, std::int64_t from) {
    std::vector<std::string> out;
    log.scan(from, [&](const batch_log::slot&, std::string_view bytes) {
        out.emplace_back(bytes);
        return true;
    });
    return out;
}

std::vector<protocol::record> records_of(const std::string& batch) {
    const auto split = protocol::split_batches(batch);
    EXPECT_EQ(split.batches.size(), 1U);
    return protocol::decode_records(split.batches.front(), 1 << 20);
}

TEST(batch_log, stores_batches_verbatim_but_for_the_fields_a_broker_assigns) {
    batch_log log;
    const std::string first = producer_batch(3, 1000, protocol::compression_codec::gzip);
    const std::string second = producer_batch(2, 2000);
    EXPECT_EQ(log.append(incoming(first, 3, 1000), 50, false), 0);
    EXPECT_EQ(log.append(incoming(second, 2, 2000), 60, false), 3);
    EXPECT_EQ(log.start(), 0);
    EXPECT_EQ(log.end(), 5);
    EXPECT_EQ(log.stored_bytes(), static_cast<std::int64_t>(first.size() + second.size()));
    EXPECT_EQ(log.first_timestamp(), 1000);
    EXPECT_EQ(log.last_timestamp(), 2001);

    const auto stored = stored_batches(log, 0);
    ASSERT_EQ(stored.size(), 2U);
    // The compressed batch stays compressed; past the base offset and leader epoch, every byte is the
    // producer's (those two fields lie outside the CRC, so the batch still checks).
    EXPECT_EQ(stored[0].substr(16), first.substr(16));
    EXPECT_EQ(stored[1].substr(16), second.substr(16));
    const auto header = protocol::read_header(stored[1]);
    EXPECT_EQ(header.base_offset, 3);
    EXPECT_EQ(header.partition_leader_epoch, 0);
    const auto records = records_of(stored[1]);
    ASSERT_EQ(records.size(), 2U);
    EXPECT_EQ(records[0].offset, 3);
    EXPECT_EQ(records[1].value, "v1");
    EXPECT_EQ(records_of(stored[0])[2].offset, 2);
}

TEST(batch_log, log_append_time_stamps_every_record_and_keeps_the_crc_right) {
    batch_log log;
    const std::string batch = producer_batch(2, 1000);
    log.append(incoming(batch, 2, 1000), 7777, true);
    const auto stored = stored_batches(log, 0);
    ASSERT_EQ(stored.size(), 1U);
    const auto header = protocol::read_header(stored[0]);
    EXPECT_TRUE(header.timestamp_type_log_append());
    EXPECT_EQ(header.max_timestamp, 7777);
    for (const auto& r : records_of(stored[0])) EXPECT_EQ(r.timestamp, 7777);  // split_batches checks the CRC
    EXPECT_EQ(log.first_timestamp(), 7777);
    EXPECT_EQ(log.last_timestamp(), 7777);
}

TEST(batch_log, a_start_inside_a_batch_keeps_the_batch_whole_and_counts_it) {
    batch_log log;
    const std::string a = producer_batch(4, 100);
    const std::string b = producer_batch(4, 200);
    log.append(incoming(a, 4, 100), 1, false);
    log.append(incoming(b, 4, 200), 1, false);
    auto released = log.trim(2);
    EXPECT_TRUE(released.empty());
    EXPECT_EQ(log.start(), 2);
    EXPECT_EQ(log.size(), 6);
    EXPECT_EQ(log.first_timestamp(), 102);  // the record at offset 2, decoded from its batch
    EXPECT_EQ(log.stored_bytes(), static_cast<std::int64_t>(a.size() + b.size()));
    // A read from the start is served from the batch that holds it, whole.
    EXPECT_EQ(stored_batches(log, 2).size(), 2U);
    EXPECT_EQ(protocol::read_header(stored_batches(log, 2)[0]).base_offset, 0);

    released = log.trim(4);  // past the first batch: it stops counting
    EXPECT_EQ(log.stored_bytes(), static_cast<std::int64_t>(b.size()));
    EXPECT_EQ(stored_batches(log, 4).size(), 1U);
    EXPECT_EQ(log.first_timestamp(), 200);
    released = log.trim(log.end());
    EXPECT_EQ(released.size(), 1U);  // one chunk held both
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.stored_bytes(), 0);
    EXPECT_EQ(log.first_timestamp(), 0);
    // Appending after everything went continues the offsets.
    EXPECT_EQ(log.append(incoming(a, 4, 100), 1, false), 8);
}

TEST(batch_log, finds_the_first_offset_at_a_time_within_a_batch_and_above_the_start) {
    batch_log log;
    const std::string a = producer_batch(5, 100);  // 100..104 at offsets 0..4
    const std::string b = producer_batch(5, 300);  // 300..304 at offsets 5..9
    log.append(incoming(a, 5, 100), 1, false);
    log.append(incoming(b, 5, 300), 1, false);
    EXPECT_EQ(log.first_at_time(0), 0);
    EXPECT_EQ(log.first_at_time(103), 3);
    EXPECT_EQ(log.first_at_time(105), 5);
    EXPECT_EQ(log.first_at_time(302), 7);
    EXPECT_EQ(log.first_at_time(305), 10);
    auto released = log.trim(4);
    EXPECT_EQ(log.first_at_time(101), 4);  // offset 1 has the time, but lies below the start
}

TEST(batch_log, retention_drops_batches_appended_before_the_cutoff) {
    batch_log log;
    const std::string a = producer_batch(3, 100);
    log.append(incoming(a, 3, 100), 1000, false);
    log.append(incoming(a, 3, 100), 2000, false);
    EXPECT_EQ(log.first_appended_since(500), 0);
    EXPECT_EQ(log.first_appended_since(1500), 3);
    EXPECT_EQ(log.first_appended_since(2500), 6);
    auto released = log.trim(4);
    EXPECT_EQ(log.first_appended_since(1500), 4);  // the batch holding the start was appended in time
}

TEST(batch_log, fills_chunks_by_count_and_bytes) {
    batch_log log;
    const std::string small = producer_batch(1, 1);
    for (std::size_t i = 0; i < batch_log::chunk_batches + 1; ++i)
        log.append(incoming(small, 1, 1), 1, false);
    auto released = log.trim(static_cast<std::int64_t>(batch_log::chunk_batches));
    EXPECT_EQ(released.size(), 1U);
    EXPECT_EQ(log.size(), 1);
    const std::string big(batch_log::chunk_bytes, 'x');
    std::vector<protocol::record> records(1);
    records[0].value = big;
    const std::string large = protocol::encode_batch(protocol::batch_header{}, records);
    log.append({large, 0, 0}, 1, false);  // a chunk of its own
    EXPECT_EQ(log.end(), static_cast<std::int64_t>(batch_log::chunk_batches) + 2);
    released = log.trim(log.end() - 1);
    EXPECT_EQ(released.size(), 1U);
    EXPECT_EQ(log.stored_bytes(), static_cast<std::int64_t>(large.size()));
}

TEST(batch_log, bytes_read_with_their_chunk_stay_put_and_valid_after_the_log_drops_them) {
    batch_log log;
    const std::string a = producer_batch(2, 1);
    log.append(incoming(a, 2, 1), 1, false);
    std::string_view first;
    std::shared_ptr<const batch_log::chunk> holder;
    log.scan_shared(0, [&](const batch_log::slot&, std::string_view bytes,
                           const std::shared_ptr<const batch_log::chunk>& chunk) {
        first = bytes;
        holder = chunk;
        return false;
    });
    ASSERT_NE(holder, nullptr);
    const std::string copy(first);
    // Appending behind them does not move them (a chunk's buffer is allocated once).
    for (int i = 0; i < 100; ++i) log.append(incoming(a, 2, 1), 1, false);
    bool same_place = false;
    log.scan(0, [&](const batch_log::slot&, std::string_view bytes) {
        same_place = bytes.data() == first.data();
        return false;
    });
    EXPECT_TRUE(same_place);
    // Trimmed and released, the chunk lives on while it is held.
    auto released = log.trim(log.end());
    EXPECT_EQ(released.size(), 1U);
    released.clear();
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(std::string(first), copy);
    EXPECT_EQ(holder.use_count(), 1);  // the reader's is the last reference: it frees the chunk
}

// Memory holding batches as a log stored them, one after another with `gap` bytes before each (as a
// segment file holds them between its framing), and where each one lies in it.
struct kept_memory {
    std::shared_ptr<const std::string> bytes;
    std::vector<std::string_view> batches;
};

kept_memory keep(const std::vector<std::string>& stored, std::size_t gap) {
    auto bytes = std::make_shared<std::string>();
    std::vector<std::size_t> at;
    for (const auto& b : stored) {
        bytes->append(gap, '#');
        at.push_back(bytes->size());
        bytes->append(b);
    }
    kept_memory out{bytes, {}};
    for (std::size_t i = 0; i < stored.size(); ++i)
        out.batches.push_back({bytes->data() + at[i], stored[i].size()});
    return out;
}

TEST(batch_log, kept_batches_are_served_from_where_they_lie_and_appends_go_after_them) {
    batch_log written;
    const std::string a = producer_batch(3, 100);
    const std::string b = producer_batch(2, 200, protocol::compression_codec::lz4);
    written.append(incoming(a, 3, 100), 10, false);
    written.append(incoming(b, 2, 200), 20, false);
    const auto stored = stored_batches(written, 0);
    const kept_memory memory = keep(stored, 28);

    batch_log log;
    EXPECT_EQ(log.append_kept({memory.batches[0], 100, 102}, 10, memory.bytes), 0);
    EXPECT_EQ(log.append_kept({memory.batches[1], 200, 201}, 20, memory.bytes), 3);
    EXPECT_EQ(log.end(), 5);
    EXPECT_EQ(log.stored_bytes(), written.stored_bytes());
    EXPECT_EQ(log.first_timestamp(), 100);
    EXPECT_EQ(log.last_timestamp(), 201);
    EXPECT_EQ(log.first_at_time(201), 4);
    std::vector<const char*> where;
    log.scan(0, [&](const batch_log::slot&, std::string_view bytes) {
        where.push_back(bytes.data());
        return true;
    });
    EXPECT_EQ(where, (std::vector<const char*>{memory.batches[0].data(), memory.batches[1].data()}));
    EXPECT_EQ(stored_batches(log, 0), stored);

    // An append after them is stored as any other, in memory of the log's own.
    EXPECT_EQ(log.append(incoming(a, 3, 300), 30, false), 5);
    const auto all = stored_batches(log, 0);
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(protocol::read_header(all[2]).base_offset, 5);
    EXPECT_EQ(records_of(all[2])[2].offset, 7);

    // The kept memory is held by the log until the batches in it are dropped, and then by no one.
    EXPECT_GT(memory.bytes.use_count(), 1);
    auto released = log.trim(5);
    EXPECT_EQ(released.size(), 1U);  // the two kept batches, one chunk
    released.clear();
    EXPECT_EQ(memory.bytes.use_count(), 1);
    EXPECT_EQ(stored_batches(log, 5).size(), 1U);
}

// Two batches of 2 records as a log stored them (base offsets 0 and 2).
std::vector<std::string> two_stored_batches() {
    batch_log written;
    const std::string a = producer_batch(2, 1);
    written.append(incoming(a, 2, 1), 1, false);
    written.append(incoming(a, 2, 1), 1, false);
    return stored_batches(written, 0);
}

TEST(batch_log, kept_batches_of_other_memory_start_a_chunk_of_their_own) {
    const auto stored = two_stored_batches();
    const kept_memory first = keep({stored[0]}, 0);
    const kept_memory second = keep({stored[1]}, 0);
    batch_log log;
    log.append_kept({first.batches[0], 1, 2}, 1, first.bytes);
    log.append_kept({second.batches[0], 1, 2}, 1, second.bytes);
    auto released = log.trim(2);
    EXPECT_EQ(released.size(), 1U);
    released.clear();
    EXPECT_EQ(first.bytes.use_count(), 1);
    EXPECT_GT(second.bytes.use_count(), 1);
    EXPECT_EQ(stored_batches(log, 2), std::vector<std::string>{stored[1]});
}

TEST(batch_log, a_kept_batch_not_stored_at_the_log_end_is_refused_and_changes_nothing) {
    const auto stored = two_stored_batches();
    const kept_memory memory = keep(stored, 0);
    batch_log log;
    // The second batch (base offset 2) where the log ends at 0; a producer's batch (leader epoch -1).
    EXPECT_THROW(log.append_kept({memory.batches[1], 1, 2}, 1, memory.bytes), std::invalid_argument);
    const auto fresh = std::make_shared<const std::string>(producer_batch(2, 1));
    EXPECT_THROW(log.append_kept({*fresh, 1, 2}, 1, fresh), std::invalid_argument);
    EXPECT_THROW(log.append_kept({std::string_view("short"), 0, 0}, 1, memory.bytes), std::exception);
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.end(), 0);
    EXPECT_EQ(memory.bytes.use_count(), 1);
    EXPECT_EQ(fresh.use_count(), 1);
}

TEST(batch_log, clear_starts_over_at_the_given_offset) {
    batch_log log;
    const std::string a = producer_batch(2, 1);
    log.append(incoming(a, 2, 1), 1, false);
    auto released = log.clear(40);
    EXPECT_EQ(released.size(), 1U);
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(log.append(incoming(a, 2, 1), 1, false), 40);
    EXPECT_EQ(protocol::read_header(stored_batches(log, 40)[0]).base_offset, 40);
}

TEST(batch_log, refuses_what_is_not_a_batch_with_records) {
    batch_log log;
    EXPECT_THROW(log.append({std::string_view("short"), 0, 0}, 1, false), std::exception);
    protocol::batch_header h;
    const std::string empty = protocol::encode_batch(h, {});
    EXPECT_THROW(log.append({empty, 0, 0}, 1, false), std::invalid_argument);
    EXPECT_TRUE(log.empty());
}

}  // namespace
