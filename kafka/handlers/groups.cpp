#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/handlers.hpp"
#include "kafka/protocol/error_codes.hpp"
#include "state/errors.hpp"

// The group APIs (kafka-wire.md §8), non-flexible versions, over the instance's group coordinator
// (state/kafka/groups.hpp). Each API reads its request once, into a struct, and writes its response from
// it, so the handler and the fault rule's error answer (error_answers::*) share both halves. Field
// layouts: AK clients/src/main/resources/common/message/<Name>Request.json and <Name>Response.json.
namespace emu::kafka {

namespace {

using protocol::error_code;

// ---- FindCoordinator v0-2 ----

struct find_coordinator_request {
    std::string key;
    std::int8_t key_type = 0;  // 0 group, 1 transaction
};

find_coordinator_request read_find_coordinator(const request& req, protocol::reader& body) {
    find_coordinator_request r;
    r.key = std::string(body.string());
    if (req.version() >= 1) r.key_type = body.int8();
    return r;
}

void write_find_coordinator(const request& req, protocol::writer& out, error_code error,
                            std::optional<std::string_view> message, std::int32_t node, std::string_view host,
                            std::int32_t port) {
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.error(error);
    if (req.version() >= 1) out.nullable_string(message);
    out.int32(node);
    out.string(host);
    out.int32(port);
}

// ---- JoinGroup v0-5 ----

struct join_group_wire {
    state::join_group_request request;
    std::optional<std::string> group_instance_id;
};

join_group_wire read_join_group(const request& req, protocol::reader& body) {
    join_group_wire w;
    auto& r = w.request;
    r.group_id = std::string(body.string());
    r.session_timeout_ms = body.int32();
    r.rebalance_timeout_ms = req.version() >= 1 ? body.int32() : r.session_timeout_ms;
    r.member_id = std::string(body.string());
    if (req.version() >= 5) {
        if (auto id = body.nullable_string()) w.group_instance_id = std::string(*id);
    }
    r.protocol_type = std::string(body.string());
    const auto count = body.array_length(false, 6);
    for (std::int32_t i = 0; i < count; ++i) {
        state::group_protocol p;
        p.name = std::string(body.string());
        p.metadata = std::string(body.bytes());
        r.protocols.push_back(std::move(p));
    }
    r.require_known_member_id = req.version() >= 4;
    return w;
}

void write_join_group(std::int16_t version, protocol::writer& out, const state::join_group_result& r) {
    if (version >= 2) out.int32(0);  // throttle_time_ms
    out.error(r.error);
    out.int32(r.generation_id);
    out.string(r.protocol_name);
    out.string(r.leader);
    out.string(r.member_id);
    out.array_length(r.members.size());
    for (const auto& m : r.members) {
        out.string(m.member_id);
        if (version >= 5) out.nullable_string(std::nullopt);  // group_instance_id
        out.nullable_bytes(m.metadata);
    }
}

// ---- SyncGroup v0-3 ----

state::sync_group_request read_sync_group(const request& req, protocol::reader& body) {
    state::sync_group_request r;
    r.group_id = std::string(body.string());
    r.generation_id = body.int32();
    r.member_id = std::string(body.string());
    if (req.version() >= 3) body.nullable_string();  // group_instance_id
    const auto count = body.array_length(false, 6);
    for (std::int32_t i = 0; i < count; ++i) {
        std::string member(body.string());
        auto bytes = body.nullable_bytes();
        r.assignments.emplace_back(std::move(member), bytes ? std::string(*bytes) : std::string());
    }
    return r;
}

void write_sync_group(std::int16_t version, protocol::writer& out, const state::sync_group_result& r) {
    if (version >= 1) out.int32(0);  // throttle_time_ms
    out.error(r.error);
    out.nullable_bytes(r.assignment);
}

// ---- Heartbeat v0-3 ----

struct heartbeat_request {
    std::string group_id;
    std::int32_t generation_id = -1;
    std::string member_id;
};

heartbeat_request read_heartbeat(const request& req, protocol::reader& body) {
    heartbeat_request r;
    r.group_id = std::string(body.string());
    r.generation_id = body.int32();
    r.member_id = std::string(body.string());
    if (req.version() >= 3) body.nullable_string();  // group_instance_id
    return r;
}

void write_heartbeat(const request& req, protocol::writer& out, error_code error) {
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.error(error);
}

// ---- LeaveGroup v0-3 ----

struct leave_group_request {
    std::string group_id;
    std::vector<std::string> members;
    std::vector<std::optional<std::string>> instance_ids;  // v3
};

leave_group_request read_leave_group(const request& req, protocol::reader& body) {
    leave_group_request r;
    r.group_id = std::string(body.string());
    if (req.version() <= 2) {
        r.members.emplace_back(body.string());
        r.instance_ids.emplace_back();
        return r;
    }
    const auto count = body.array_length(false, 4);
    for (std::int32_t i = 0; i < count; ++i) {
        r.members.emplace_back(body.string());
        auto id = body.nullable_string();
        r.instance_ids.push_back(id ? std::optional<std::string>(std::string(*id)) : std::nullopt);
    }
    return r;
}

// v0-2 carry one member's error at the top; v3 one per member, the top NONE unless the group is.
void write_leave_group(const request& req, protocol::writer& out, const leave_group_request& r,
                       const std::vector<error_code>& errors, error_code top) {
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    if (req.version() <= 2) {
        out.error(top != error_code::none ? top : (errors.empty() ? error_code::none : errors.front()));
        return;
    }
    out.error(top);
    out.array_length(r.members.size());
    for (std::size_t i = 0; i < r.members.size(); ++i) {
        out.string(r.members[i]);
        out.nullable_string(r.instance_ids[i]);
        out.error(i < errors.size() ? errors[i] : top);
    }
}

// ---- OffsetCommit v0-7 ----

struct offset_commit_topic {
    std::string name;
    std::vector<std::int32_t> partitions;
};

struct offset_commit_request {
    std::string group_id;
    std::int32_t generation_id = -1;
    std::string member_id;
    std::vector<state::offset_commit_entry> entries;
    std::vector<offset_commit_topic> topics;  // the request's shape, for the answer
};

offset_commit_request read_offset_commit(const request& req, protocol::reader& body) {
    offset_commit_request r;
    r.group_id = std::string(body.string());
    if (req.version() >= 1) {
        r.generation_id = body.int32();
        r.member_id = std::string(body.string());
    }
    if (req.version() >= 7) body.nullable_string();              // group_instance_id
    if (req.version() >= 2 && req.version() <= 4) body.int64();  // retention_time_ms
    const auto topic_count = body.array_length(false, 6);
    for (std::int32_t t = 0; t < topic_count; ++t) {
        auto& topic = r.topics.emplace_back();
        topic.name = std::string(body.string());
        const auto count = body.array_length(false, 14);
        for (std::int32_t p = 0; p < count; ++p) {
            state::offset_commit_entry e;
            e.topic = topic.name;
            e.partition = body.int32();
            e.offset = body.int64();
            if (req.version() >= 6) body.int32();  // committed_leader_epoch
            if (req.version() == 1) body.int64();  // commit_timestamp
            if (auto metadata = body.nullable_string()) e.metadata = std::string(*metadata);
            topic.partitions.push_back(e.partition);
            r.entries.push_back(std::move(e));
        }
    }
    return r;
}

void write_offset_commit(const request& req, protocol::writer& out, const offset_commit_request& r,
                         const std::vector<error_code>& errors) {
    if (req.version() >= 3) out.int32(0);  // throttle_time_ms
    out.array_length(r.topics.size());
    std::size_t i = 0;
    for (const auto& topic : r.topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto index : topic.partitions) {
            out.int32(index);
            out.error(errors[i++]);
        }
    }
}

// ---- OffsetFetch v0-5 ----

struct offset_fetch_request {
    std::string group_id;
    std::optional<std::vector<offset_commit_topic>> topics;  // none (v2+): every committed offset
};

offset_fetch_request read_offset_fetch(const request& req, protocol::reader& body) {
    offset_fetch_request r;
    r.group_id = std::string(body.string());
    const std::int32_t count = body.int32();
    if (count == -1 && req.version() >= 2) return r;
    if (count < 0 || static_cast<std::size_t>(count) > body.remaining() / 6)
        throw protocol::decode_error("topic count");
    r.topics.emplace();
    for (std::int32_t t = 0; t < count; ++t) {
        auto& topic = r.topics->emplace_back();
        topic.name = std::string(body.string());
        const auto n = body.array_length(false, 4);
        for (std::int32_t p = 0; p < n; ++p) topic.partitions.push_back(body.int32());
    }
    return r;
}

struct fetched_partition {
    std::int32_t index = 0;
    std::int64_t offset = -1;
    std::string metadata;
    error_code error = error_code::none;
};

struct fetched_topic {
    std::string name;
    std::vector<fetched_partition> partitions;
};

void write_offset_fetch(const request& req, protocol::writer& out, const std::vector<fetched_topic>& topics,
                        error_code top) {
    if (req.version() >= 3) out.int32(0);  // throttle_time_ms
    out.array_length(topics.size());
    for (const auto& topic : topics) {
        out.string(topic.name);
        out.array_length(topic.partitions.size());
        for (const auto& p : topic.partitions) {
            out.int32(p.index);
            out.int64(p.offset);
            if (req.version() >= 5) out.int32(-1);  // committed_leader_epoch
            out.nullable_string(p.metadata);
            out.error(p.error);
        }
    }
    if (req.version() >= 2) out.error(top);
}

// The partitions asked for, each answered `error` (or, with `committed`, its offset).
std::vector<fetched_topic> fetched_as_asked(const offset_fetch_request& r,
                                            const std::vector<state::committed_entry>* committed,
                                            error_code error) {
    std::vector<fetched_topic> out;
    if (!r.topics) {
        if (committed == nullptr) return out;
        for (const auto& e : *committed) {
            if (out.empty() || out.back().name != e.topic) out.push_back({e.topic, {}});
            out.back().partitions.push_back({e.partition, e.offset, e.metadata, error_code::none});
        }
        return out;
    }
    for (const auto& topic : *r.topics) {
        auto& answer = out.emplace_back(fetched_topic{topic.name, {}});
        for (const auto index : topic.partitions) {
            fetched_partition p{index, -1, "", error};
            if (committed != nullptr) {
                for (const auto& e : *committed) {
                    if (e.topic == topic.name && e.partition == index) {
                        p.offset = e.offset;
                        p.metadata = e.metadata;
                    }
                }
            }
            answer.partitions.push_back(std::move(p));
        }
    }
    return out;
}

// ---- ListGroups v0-2 ----

void write_list_groups(const request& req, protocol::writer& out, error_code error,
                       const std::vector<state::kafka_group_view>& groups) {
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.error(error);
    out.array_length(groups.size());
    for (const auto& g : groups) {
        out.string(g.group_id);
        out.string(g.protocol_type);
    }
}

// ---- DescribeGroups v0-4 ----

struct describe_groups_request {
    std::vector<std::string> groups;
    bool include_authorized_operations = false;
};

describe_groups_request read_describe_groups(const request& req, protocol::reader& body) {
    describe_groups_request r;
    const auto count = body.array_length(false, 2);
    for (std::int32_t i = 0; i < count; ++i) r.groups.emplace_back(body.string());
    if (req.version() >= 3) r.include_authorized_operations = body.boolean();
    return r;
}

// What a client may do with a group here: READ, DELETE and DESCRIBE (AK AclOperation codes 3, 6, 8).
constexpr std::int32_t group_operations = (1 << 3) | (1 << 6) | (1 << 8);

void write_describe_group(const request& req, protocol::writer& out, error_code error,
                          const state::kafka_group_view& g, bool include_operations) {
    out.error(error);
    out.string(g.group_id);
    out.string(state::group_state_name(g.state));
    out.string(g.protocol_type);
    out.string(g.protocol);
    out.array_length(g.members.size());
    for (const auto& m : g.members) {
        out.string(m.member_id);
        if (req.version() >= 4) out.nullable_string(std::nullopt);  // group_instance_id
        out.string(m.client_id);
        out.string(m.client_host);
        out.nullable_bytes(m.metadata);
        out.nullable_bytes(m.assignment);
    }
    if (req.version() >= 3) out.int32(include_operations ? group_operations : INT32_MIN);
}

// ---- DeleteGroups v0-1 ----

std::vector<std::string> read_delete_groups(protocol::reader& body) {
    std::vector<std::string> out;
    const auto count = body.array_length(false, 2);
    for (std::int32_t i = 0; i < count; ++i) out.emplace_back(body.string());
    return out;
}

void write_delete_groups(protocol::writer& out, const std::vector<std::string>& groups,
                         const std::vector<error_code>& errors) {
    out.int32(0);  // throttle_time_ms
    out.array_length(groups.size());
    for (std::size_t i = 0; i < groups.size(); ++i) {
        out.string(groups[i]);
        out.error(errors[i]);
    }
}

}  // namespace

namespace handlers {

namespace {

handler_result deferred() {
    handler_result out;
    out.deferred = true;
    return out;
}

}  // namespace

// FindCoordinator v0-2: the group's coordinator is the broker its id hashes to (what the REST views
// report as coordinator_id). Transactions are not emulated: a transactional id gets
// COORDINATOR_NOT_AVAILABLE, as from a cluster without a transaction coordinator.
handler_result find_coordinator(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_find_coordinator(req, body);
    if (r.key_type != 0) {
        write_find_coordinator(req, out, error_code::coordinator_not_available,
                               "Transactions are not emulated.", -1, "", -1);
        return {};
    }
    if (r.key.empty()) {
        write_find_coordinator(req, out, error_code::invalid_group_id, "The group id is empty.", -1, "", -1);
        return {};
    }
    const auto instance = req.instance();
    const std::int32_t node = req.cluster()->coordinator(r.key);
    write_find_coordinator(req, out, error_code::none, std::nullopt, node, instance.address.host,
                           instance.address.port_of(node));
    return {};
}

// JoinGroup v0-5: the answer waits until the group's join phase ends (every member joined again, or the
// rebalance timeout passed), on the coordinator's timers.
handler_result join_group(const request& req, protocol::reader& body, protocol::writer&) {
    auto w = read_join_group(req, body);
    w.request.client_id = req.header.client_id.value_or(std::string());
    w.request.client_host = req.client_host();
    const auto answer = req.defer();
    const std::int16_t version = req.version();
    req.cluster()->join_group(std::move(w.request), [answer, version](state::join_group_result result) {
        answer->complete([&](protocol::writer& out) { write_join_group(version, out, result); });
    });
    return deferred();
}

// SyncGroup v0-3: a follower's answer waits for the leader's assignment.
handler_result sync_group(const request& req, protocol::reader& body, protocol::writer&) {
    auto r = read_sync_group(req, body);
    const auto answer = req.defer();
    const std::int16_t version = req.version();
    req.cluster()->sync_group(std::move(r), [answer, version](state::sync_group_result result) {
        answer->complete([&](protocol::writer& out) { write_sync_group(version, out, result); });
    });
    return deferred();
}

handler_result heartbeat(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_heartbeat(req, body);
    write_heartbeat(req, out, req.cluster()->heartbeat(r.group_id, r.member_id, r.generation_id));
    return {};
}

handler_result leave_group(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_leave_group(req, body);
    const auto errors = req.cluster()->leave_group(r.group_id, r.members);
    write_leave_group(req, out, r, errors, error_code::none);
    return {};
}

// OffsetCommit v0-7: offsets are stored as given, negative ones too (kafkajs commits -1 after a reset);
// commit_timestamp (v1) and retention_time_ms (v2-4) are read and not used: committed offsets are kept
// until their group or topic goes.
handler_result offset_commit(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_offset_commit(req, body);
    const auto errors = req.cluster()->commit_offsets(r.group_id, r.member_id, r.generation_id, r.entries);
    write_offset_commit(req, out, r, errors);
    return {};
}

// OffsetFetch v0-5: a partition without a committed offset answers -1 with no error; a null topic list
// (v2+) answers every committed offset of the group.
handler_result offset_fetch(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_offset_fetch(req, body);
    const auto committed = req.cluster()->committed_offsets(r.group_id);
    write_offset_fetch(req, out, fetched_as_asked(r, &committed, error_code::none), error_code::none);
    return {};
}

handler_result list_groups(const request& req, protocol::reader&, protocol::writer& out) {
    write_list_groups(req, out, error_code::none, req.cluster()->group_views());
    return {};
}

// DescribeGroups v0-4: an unknown group answers state Dead with no error, as Kafka does.
handler_result describe_groups(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto r = read_describe_groups(req, body);
    const auto cluster = req.cluster();
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.array_length(r.groups.size());
    for (const auto& name : r.groups) {
        auto view = cluster->describe_group(name);
        if (!view) {
            view.emplace();
            view->group_id = name;
            view->state = state::group_state::dead;
        }
        write_describe_group(req, out, error_code::none, *view, r.include_authorized_operations);
    }
    return {};
}

handler_result delete_groups(const request& req, protocol::reader& body, protocol::writer& out) {
    const auto groups = read_delete_groups(body);
    const auto cluster = req.cluster();
    std::vector<error_code> errors;
    for (const auto& g : groups) errors.push_back(cluster->remove_group(g));
    write_delete_groups(out, groups, errors);
    return {};
}

}  // namespace handlers

namespace error_answers {

handler_result find_coordinator(const request& req, protocol::reader& body, protocol::writer& out,
                                error_code error) {
    read_find_coordinator(req, body);
    write_find_coordinator(req, out, error, req.error_message, -1, "", -1);
    return {};
}

handler_result join_group(const request& req, protocol::reader& body, protocol::writer& out,
                          error_code error) {
    const auto w = read_join_group(req, body);
    write_join_group(req.version(), out,
                     state::join_group_result{error, -1, {}, {}, w.request.member_id, {}});
    return {};
}

handler_result sync_group(const request& req, protocol::reader& body, protocol::writer& out,
                          error_code error) {
    read_sync_group(req, body);
    write_sync_group(req.version(), out, state::sync_group_result{error, {}});
    return {};
}

handler_result heartbeat(const request& req, protocol::reader& body, protocol::writer& out,
                         error_code error) {
    read_heartbeat(req, body);
    write_heartbeat(req, out, error);
    return {};
}

handler_result leave_group(const request& req, protocol::reader& body, protocol::writer& out,
                           error_code error) {
    const auto r = read_leave_group(req, body);
    write_leave_group(req, out, r, std::vector<error_code>(r.members.size(), error), error);
    return {};
}

handler_result offset_commit(const request& req, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    const auto r = read_offset_commit(req, body);
    write_offset_commit(req, out, r, std::vector<error_code>(r.entries.size(), error));
    return {};
}

handler_result offset_fetch(const request& req, protocol::reader& body, protocol::writer& out,
                            error_code error) {
    const auto r = read_offset_fetch(req, body);
    write_offset_fetch(req, out, fetched_as_asked(r, nullptr, error), error);
    return {};
}

handler_result list_groups(const request& req, protocol::reader&, protocol::writer& out, error_code error) {
    write_list_groups(req, out, error, {});
    return {};
}

handler_result describe_groups(const request& req, protocol::reader& body, protocol::writer& out,
                               error_code error) {
    const auto r = read_describe_groups(req, body);
    if (req.version() >= 1) out.int32(0);  // throttle_time_ms
    out.array_length(r.groups.size());
    for (const auto& name : r.groups) {
        state::kafka_group_view view;
        view.group_id = name;
        view.state = state::group_state::dead;
        write_describe_group(req, out, error, view, r.include_authorized_operations);
    }
    return {};
}

handler_result delete_groups(const request&, protocol::reader& body, protocol::writer& out,
                             error_code error) {
    const auto groups = read_delete_groups(body);
    write_delete_groups(out, groups, std::vector<error_code>(groups.size(), error));
    return {};
}

}  // namespace error_answers

}  // namespace emu::kafka
