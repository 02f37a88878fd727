#include "state/kafka/groups.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "state/errors.hpp"
#include "state/ids.hpp"

namespace emu::state {

namespace {

constexpr std::array state_names{"Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"};
constexpr std::array state_upper{"EMPTY", "PREPARING_REBALANCE", "COMPLETING_REBALANCE", "STABLE", "DEAD"};

}  // namespace

std::string_view group_state_name(group_state state) {
    return state_names[static_cast<std::size_t>(state)];
}

std::string_view group_state_upper(group_state state) {
    return state_upper[static_cast<std::size_t>(state)];
}

struct group_coordinator::member {
    std::string id;
    std::string client_id;
    std::string client_host;
    std::int32_t session_timeout_ms = 0;
    std::int32_t rebalance_timeout_ms = 0;
    std::string protocol_type;
    std::vector<group_protocol> protocols;
    std::string assignment;
    join_reply awaiting_join;  // set while its JoinGroup waits for the rebalance
    sync_reply awaiting_sync;  // set while its SyncGroup waits for the leader's assignment
    std::uint64_t timer = 0;   // its session timeout

    std::size_t protocol_bytes() const { return bytes_of(protocols); }
    static std::size_t bytes_of(const std::vector<group_protocol>& list) {
        std::size_t out = 0;
        for (const auto& p : list) out += p.name.size() + p.metadata.size();
        return out;
    }

    const std::string* metadata_of(const std::string& protocol) const {
        for (const auto& p : protocols)
            if (p.name == protocol) return &p.metadata;
        return nullptr;
    }
};

struct group_coordinator::group {
    std::string id;
    group_state state = group_state::empty;
    std::int32_t generation = 0;
    std::string protocol_type;
    std::string protocol;
    std::string leader;
    std::vector<std::unique_ptr<member>> members;  // in joining order
    // Ids handed out with MEMBER_ID_REQUIRED, not joined with yet: id -> the timer that forgets it.
    std::map<std::string, std::uint64_t> pending;
    std::uint64_t join_timer = 0;  // the rebalance timeout, or the initial delay
    bool initial_delay = false;    // join_timer is the initial delay: more members may come
    std::optional<std::string> description;
    std::int64_t created_at = 0;
    bool kept = false;  // created by REST or restored from a state: it stays until deleted
    std::map<std::pair<std::string, std::int32_t>, std::pair<std::int64_t, std::string>> offsets;

    // What the group's record would hold of its members' blobs.
    std::size_t stored_bytes() const {
        std::size_t out = 0;
        for (const auto& m : members) out += m->protocol_bytes() + m->assignment.size();
        return out;
    }

    member* find(const std::string& member_id) {
        for (auto& m : members)
            if (m->id == member_id) return m.get();
        return nullptr;
    }
    bool all_joined() const {
        return pending.empty() && std::all_of(members.begin(), members.end(), [](const auto& m) {
                   return static_cast<bool>(m->awaiting_join);
               });
    }
    // The protocols every member supports.
    std::vector<std::string> candidates() const {
        std::vector<std::string> out;
        if (members.empty()) return out;
        for (const auto& p : members.front()->protocols) {
            const bool everyone = std::all_of(members.begin(), members.end(), [&](const auto& m) {
                return m->metadata_of(p.name) != nullptr;
            });
            if (everyone) out.push_back(p.name);
        }
        return out;
    }
    // Whether a member with these protocols may join (Kafka's supportsProtocols).
    bool supports(const std::string& type, const std::vector<group_protocol>& protocols) const {
        if (protocols.empty() || type.empty()) return false;
        if (members.empty()) return true;
        if (type != protocol_type) return false;
        const auto common = candidates();
        return std::any_of(protocols.begin(), protocols.end(), [&](const group_protocol& p) {
            return std::find(common.begin(), common.end(), p.name) != common.end();
        });
    }
    // Each member votes for the first candidate it lists; the most votes win, ties to the earliest
    // candidate (Kafka's selectProtocol).
    std::string select_protocol() const {
        const auto common = candidates();
        std::map<std::string, int> votes;
        for (const auto& m : members) {
            for (const auto& p : m->protocols) {
                if (std::find(common.begin(), common.end(), p.name) != common.end()) {
                    ++votes[p.name];
                    break;
                }
            }
        }
        std::string best;
        int most = -1;
        for (const auto& name : common) {
            if (votes[name] > most) {
                most = votes[name];
                best = name;
            }
        }
        return best;
    }
    std::int32_t rebalance_timeout_ms() const {
        std::int32_t out = 0;
        for (const auto& m : members) out = std::max(out, m->rebalance_timeout_ms);
        return out;
    }
};

group_coordinator::group_coordinator(clock_fn clock, std::shared_ptr<timer_service> timers,
                                     group_limits limits)
    : clock_(std::move(clock)), timers_(std::move(timers)), limits_(limits) {}

group_coordinator::~group_coordinator() {
    if (!timers_) return;
    for (auto& [name, g] : groups_) {
        cancel(g->join_timer);
        for (auto& [id, timer] : g->pending) cancel(timer);
        for (auto& m : g->members) cancel(m->timer);
    }
}

std::uint64_t group_coordinator::schedule(std::chrono::milliseconds after,
                                          std::function<void(group_coordinator&)> fire) {
    if (!timers_) return 0;
    std::weak_ptr<group_coordinator> weak = weak_from_this();
    return timers_->schedule(after, [weak, fire = std::move(fire)] {
        if (auto self = weak.lock()) fire(*self);
    });
}

void group_coordinator::cancel(std::uint64_t& timer) {
    if (timer != 0 && timers_) timers_->cancel(timer);
    timer = 0;
}

std::string group_coordinator::new_member_id(const std::string& client_id) {
    // Kafka's form: the client id, a dash, a UUID.
    return client_id + "-" + new_uuid();
}

group_coordinator::group& group_coordinator::find_or_add(const std::string& group_id) {
    auto& slot = groups_[group_id];
    if (!slot) {
        slot = std::make_unique<group>();
        slot->id = group_id;
        slot->created_at = clock_();
    }
    return *slot;
}

// Starts a rebalance: members that wait for an assignment learn of it, and every member has until the
// group's rebalance timeout to join again.
void group_coordinator::prepare_rebalance(group& g, later& out) {
    if (g.state == group_state::completing_rebalance) {
        for (auto& m : g.members) {
            if (m->awaiting_sync) {
                out.push_back([reply = std::move(m->awaiting_sync)] {
                    reply(sync_group_result{kafka_error::rebalance_in_progress, {}});
                });
                m->awaiting_sync = nullptr;
            }
        }
    }
    const bool from_empty = g.state == group_state::empty;
    g.state = group_state::preparing_rebalance;
    cancel(g.join_timer);
    const std::string id = g.id;
    if (from_empty && limits_.initial_rebalance_delay_ms > 0 && timers_) {
        g.initial_delay = true;
        g.join_timer = schedule(std::chrono::milliseconds(limits_.initial_rebalance_delay_ms),
                                [id](group_coordinator& c) { c.on_join_timer(id, 0); });
    } else {
        g.initial_delay = false;
        g.join_timer = schedule(std::chrono::milliseconds(g.rebalance_timeout_ms()),
                                [id](group_coordinator& c) { c.on_join_timer(id, 0); });
    }
    maybe_complete_join(g, out);
}

void group_coordinator::maybe_complete_join(group& g, later& out) {
    if (g.state != group_state::preparing_rebalance || g.initial_delay) return;
    if (g.all_joined()) complete_join(g, out);
}

// The join phase ends: members that did not join again are gone, the generation moves on, and every member
// gets its answer (the leader with the members' metadata).
void group_coordinator::complete_join(group& g, later& out) {
    cancel(g.join_timer);
    g.initial_delay = false;
    for (auto& [id, timer] : g.pending) cancel(timer);
    g.pending.clear();
    std::erase_if(g.members, [&](const std::unique_ptr<member>& m) {
        if (m->awaiting_join) return false;
        cancel(m->timer);
        return true;
    });
    ++g.generation;
    ++rebalances_;
    if (g.members.empty()) {
        g.state = group_state::empty;
        g.protocol.clear();
        g.protocol_type.clear();
        g.leader.clear();
        return;
    }
    if (!g.find(g.leader)) g.leader = g.members.front()->id;
    g.protocol = g.select_protocol();
    g.state = group_state::completing_rebalance;
    std::vector<join_group_member> everyone;
    for (const auto& m : g.members) everyone.push_back({m->id, *m->metadata_of(g.protocol)});
    for (auto& m : g.members) {
        join_group_result result{kafka_error::none, g.generation, g.protocol, g.leader, m->id, {}};
        if (m->id == g.leader) result.members = everyone;
        out.push_back([reply = std::move(m->awaiting_join), result = std::move(result)]() mutable {
            reply(std::move(result));
        });
        m->awaiting_join = nullptr;
        watch_member(g, *m);
    }
}

// (Re)starts the member's session timeout.
void group_coordinator::watch_member(group& g, member& m) {
    cancel(m.timer);
    auto timer = std::make_shared<std::uint64_t>(0);
    const std::string group_id = g.id;
    const std::string member_id = m.id;
    m.timer = schedule(std::chrono::milliseconds(m.session_timeout_ms),
                       [group_id, member_id, timer](group_coordinator& c) {
                           c.on_member_timer(group_id, member_id, *timer);
                       });
    *timer = m.timer;
}

void group_coordinator::remove_member(group& g, const std::string& member_id, later& out) {
    const auto it =
        std::find_if(g.members.begin(), g.members.end(), [&](const auto& m) { return m->id == member_id; });
    if (it == g.members.end()) return;
    member& m = **it;
    cancel(m.timer);
    if (m.awaiting_join) {
        out.push_back([reply = std::move(m.awaiting_join), member_id] {
            reply(join_group_result{kafka_error::unknown_member_id, -1, {}, {}, member_id, {}});
        });
    }
    if (m.awaiting_sync) {
        out.push_back([reply = std::move(m.awaiting_sync)] {
            reply(sync_group_result{kafka_error::unknown_member_id, {}});
        });
    }
    g.members.erase(it);
    if (g.leader == member_id) g.leader.clear();
    switch (g.state) {
        case group_state::stable:
        case group_state::completing_rebalance:
            prepare_rebalance(g, out);
            break;
        case group_state::preparing_rebalance:
            if (g.members.empty() && g.pending.empty() && !g.initial_delay) {
                complete_join(g, out);
            } else {
                maybe_complete_join(g, out);
            }
            break;
        default:
            break;
    }
}

void group_coordinator::on_member_timer(const std::string& group_id, const std::string& member_id,
                                        std::uint64_t timer) {
    later out;
    {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(group_id);
        if (it == groups_.end()) return;
        member* m = it->second->find(member_id);
        if (m == nullptr || m->timer != timer || timer == 0) return;
        m->timer = 0;
        // A member waiting for its join or sync answer is kept: the rebalance timeout decides for it.
        if (m->awaiting_join || m->awaiting_sync) return watch_member(*it->second, *m);
        remove_member(*it->second, member_id, out);
    }
    for (auto& f : out) f();
}

void group_coordinator::on_join_timer(const std::string& group_id, std::uint64_t) {
    later out;
    {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(group_id);
        if (it == groups_.end()) return;
        group& g = *it->second;
        if (g.state != group_state::preparing_rebalance) return;
        if (g.initial_delay) {
            // The initial delay is over: now wait, up to the rebalance timeout, for whoever has not joined.
            g.initial_delay = false;
            g.join_timer = 0;
            if (g.all_joined()) {
                complete_join(g, out);
            } else {
                g.join_timer = schedule(std::chrono::milliseconds(g.rebalance_timeout_ms()),
                                        [group_id](group_coordinator& c) { c.on_join_timer(group_id, 0); });
            }
        } else {
            g.join_timer = 0;
            complete_join(g, out);
        }
    }
    for (auto& f : out) f();
}

void group_coordinator::on_pending_timer(const std::string& group_id, const std::string& member_id,
                                         std::uint64_t) {
    later out;
    {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(group_id);
        if (it == groups_.end()) return;
        group& g = *it->second;
        if (g.pending.erase(member_id) == 0) return;
        if (g.state == group_state::empty && g.members.empty() && g.pending.empty() && g.generation == 0 &&
            g.offsets.empty() && !g.kept) {
            // Only ids nobody joined with ever made this group: it goes with the last of them, so a storm
            // of first joins to ever new group ids leaves nothing behind.
            groups_.erase(it);
            return;
        }
        maybe_complete_join(g, out);
    }
    for (auto& f : out) f();
}

void group_coordinator::join(join_group_request request, join_reply reply) {
    const auto fail = [&](kafka_error error) {
        reply(join_group_result{error, -1, {}, {}, request.member_id, {}});
    };
    if (request.group_id.empty()) return fail(kafka_error::invalid_group_id);
    if (request.session_timeout_ms < limits_.min_session_timeout_ms ||
        request.session_timeout_ms > limits_.max_session_timeout_ms) {
        return fail(kafka_error::invalid_session_timeout);
    }
    later out;
    {
        std::unique_lock lock(mutex_);
        const auto existing = groups_.find(request.group_id);
        group* g = existing == groups_.end() ? nullptr : existing->second.get();
        const bool acceptable = g != nullptr ? g->supports(request.protocol_type, request.protocols)
                                             : !request.protocols.empty() && !request.protocol_type.empty();
        if (!acceptable) {
            lock.unlock();
            return fail(kafka_error::inconsistent_group_protocol);
        }
        member* m = nullptr;
        bool is_new = false;
        if (request.member_id.empty()) {
            group& target = g != nullptr ? *g : find_or_add(request.group_id);
            if (target.members.size() + target.pending.size() >= limits_.max_members) {
                lock.unlock();
                return fail(kafka_error::group_max_size_reached);
            }
            if (target.stored_bytes() + member::bytes_of(request.protocols) > limits_.max_group_bytes) {
                lock.unlock();
                return fail(kafka_error::unknown_server_error);
            }
            const auto id = new_member_id(request.client_id);
            if (request.require_known_member_id) {
                // KIP-394: the member learns its id and joins again with it, within its session timeout;
                // until then a rebalance waits for it.
                const std::string group_id = target.id;
                target.pending[id] =
                    schedule(std::chrono::milliseconds(request.session_timeout_ms),
                             [group_id, id](group_coordinator& c) { c.on_pending_timer(group_id, id, 0); });
                lock.unlock();
                return reply(join_group_result{kafka_error::member_id_required, -1, {}, {}, id, {}});
            }
            g = &target;
            request.member_id = id;
        } else if (g == nullptr) {
            lock.unlock();
            return fail(kafka_error::unknown_member_id);
        } else {
            m = g->find(request.member_id);
            const std::size_t replaced = m != nullptr ? m->protocol_bytes() : 0;
            const bool known = m != nullptr || g->pending.contains(request.member_id);
            if (known && g->stored_bytes() - replaced + member::bytes_of(request.protocols) >
                             limits_.max_group_bytes) {
                lock.unlock();
                return fail(kafka_error::unknown_server_error);
            }
            if (m == nullptr) {
                const auto pending = g->pending.find(request.member_id);
                if (pending == g->pending.end()) {
                    lock.unlock();
                    return fail(kafka_error::unknown_member_id);
                }
                cancel(pending->second);
                g->pending.erase(pending);
            }
        }
        group& target = *g;
        if (m == nullptr) {
            auto fresh = std::make_unique<member>();
            fresh->id = request.member_id;
            m = fresh.get();
            target.members.push_back(std::move(fresh));
            is_new = true;
            if (target.members.size() == 1) target.protocol_type = request.protocol_type;
        }
        const bool changed = m->protocols.size() != request.protocols.size() ||
                             !std::equal(m->protocols.begin(), m->protocols.end(), request.protocols.begin(),
                                         [](const group_protocol& a, const group_protocol& b) {
                                             return a.name == b.name && a.metadata == b.metadata;
                                         });
        m->client_id = request.client_id;
        m->client_host = request.client_host;
        m->session_timeout_ms = request.session_timeout_ms;
        m->rebalance_timeout_ms = request.rebalance_timeout_ms;
        m->protocol_type = request.protocol_type;
        m->protocols = std::move(request.protocols);
        if (m->awaiting_join) {
            // A second JoinGroup while the first waits: the first one is answered as superseded.
            out.push_back([old = std::move(m->awaiting_join), id = m->id] {
                old(join_group_result{kafka_error::unknown_member_id, -1, {}, {}, id, {}});
            });
        }
        m->awaiting_join = std::move(reply);
        // A known member that changed nothing, outside a rebalance, gets the current generation again; the
        // leader (in Stable) or any change starts a rebalance (Kafka's handleJoinGroup).
        const bool same = !is_new && !changed;
        const bool answer_now = same && ((target.state == group_state::stable && m->id != target.leader) ||
                                         target.state == group_state::completing_rebalance);
        if (answer_now) {
            join_group_result result{
                kafka_error::none, target.generation, target.protocol, target.leader, m->id, {}};
            if (m->id == target.leader) {
                for (const auto& other : target.members)
                    result.members.push_back({other->id, *other->metadata_of(target.protocol)});
            }
            out.push_back([reply = std::move(m->awaiting_join), result = std::move(result)]() mutable {
                reply(std::move(result));
            });
            m->awaiting_join = nullptr;
            watch_member(target, *m);
        } else if (target.state == group_state::preparing_rebalance) {
            maybe_complete_join(target, out);
        } else {
            if (target.state == group_state::dead) target.state = group_state::empty;
            prepare_rebalance(target, out);
        }
    }
    for (auto& f : out) f();
}

bool group_coordinator::fits(const group& g,
                             const std::vector<std::pair<std::string, std::string>>& assignments) const {
    std::size_t total = 0;
    for (const auto& m : g.members) {
        total += m->protocol_bytes();
        const auto given = std::find_if(assignments.begin(), assignments.end(),
                                        [&](const auto& a) { return a.first == m->id; });
        if (given != assignments.end()) total += given->second.size();
    }
    return total <= limits_.max_group_bytes;
}

void group_coordinator::sync(sync_group_request request, sync_reply reply) {
    later out;
    {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(request.group_id);
        member* m = it == groups_.end() ? nullptr : it->second->find(request.member_id);
        if (m == nullptr) {
            out.push_back([reply = std::move(reply)] { reply({kafka_error::unknown_member_id, {}}); });
        } else if (request.generation_id != it->second->generation) {
            out.push_back([reply = std::move(reply)] { reply({kafka_error::illegal_generation, {}}); });
        } else {
            group& g = *it->second;
            switch (g.state) {
                case group_state::preparing_rebalance:
                    out.push_back([reply = std::move(reply)] {
                        reply({kafka_error::rebalance_in_progress, {}});
                    });
                    break;
                case group_state::completing_rebalance:
                    if (m->awaiting_sync) {
                        out.push_back([old = std::move(m->awaiting_sync)] {
                            old({kafka_error::unknown_member_id, {}});
                        });
                    }
                    m->awaiting_sync = std::move(reply);
                    watch_member(g, *m);
                    if (m->id == g.leader && !fits(g, request.assignments)) {
                        // Kafka's storeGroup fails (the record is too large): everyone waiting learns of it
                        // and the group rebalances.
                        for (auto& each : g.members) {
                            each->assignment.clear();
                            if (!each->awaiting_sync) continue;
                            out.push_back([reply = std::move(each->awaiting_sync)] {
                                reply({kafka_error::unknown_server_error, {}});
                            });
                            each->awaiting_sync = nullptr;
                        }
                        prepare_rebalance(g, out);
                    } else if (m->id == g.leader) {
                        for (auto& each : g.members) {
                            const auto given =
                                std::find_if(request.assignments.begin(), request.assignments.end(),
                                             [&](const auto& a) { return a.first == each->id; });
                            each->assignment =
                                given == request.assignments.end() ? std::string() : given->second;
                        }
                        g.state = group_state::stable;
                        for (auto& each : g.members) {
                            if (!each->awaiting_sync) continue;
                            out.push_back([reply = std::move(each->awaiting_sync), bytes = each->assignment] {
                                reply({kafka_error::none, bytes});
                            });
                            each->awaiting_sync = nullptr;
                        }
                    }
                    break;
                case group_state::stable:
                    watch_member(g, *m);
                    out.push_back([reply = std::move(reply), bytes = m->assignment] {
                        reply({kafka_error::none, bytes});
                    });
                    break;
                default:
                    out.push_back([reply = std::move(reply)] {
                        reply({kafka_error::unknown_member_id, {}});
                    });
                    break;
            }
        }
    }
    for (auto& f : out) f();
}

kafka_error group_coordinator::heartbeat(const std::string& group_id, const std::string& member_id,
                                         std::int32_t generation) {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) return kafka_error::unknown_member_id;
    group& g = *it->second;
    if (g.state == group_state::empty) return kafka_error::unknown_member_id;
    member* m = g.find(member_id);
    if (m == nullptr) return kafka_error::unknown_member_id;
    if (generation != g.generation) return kafka_error::illegal_generation;
    watch_member(g, *m);
    return g.state == group_state::preparing_rebalance ? kafka_error::rebalance_in_progress
                                                       : kafka_error::none;
}

std::vector<kafka_error> group_coordinator::leave(const std::string& group_id,
                                                  const std::vector<std::string>& member_ids) {
    std::vector<kafka_error> result;
    later out;
    {
        std::lock_guard lock(mutex_);
        const auto it = groups_.find(group_id);
        for (const auto& id : member_ids) {
            if (it == groups_.end() || it->second->find(id) == nullptr) {
                result.push_back(kafka_error::unknown_member_id);
                continue;
            }
            remove_member(*it->second, id, out);
            result.push_back(kafka_error::none);
        }
    }
    for (auto& f : out) f();
    return result;
}

kafka_error group_coordinator::commit(const std::string& group_id, const std::string& member_id,
                                      std::int32_t generation,
                                      const std::vector<offset_commit_entry>& entries) {
    if (group_id.empty()) return kafka_error::invalid_group_id;
    for (const auto& e : entries) {
        if (e.metadata && e.metadata->size() > limits_.max_offset_metadata)
            return kafka_error::offset_metadata_too_large;
    }
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) {
        if (generation >= 0) return kafka_error::illegal_generation;
        find_or_add(group_id);
        it = groups_.find(group_id);
    }
    group& g = *it->second;
    if (generation < 0 && g.state == group_state::empty) {
        // A commit outside group management (a simple consumer, an admin setting offsets).
    } else if (g.state == group_state::completing_rebalance) {
        return kafka_error::rebalance_in_progress;
    } else if (g.find(member_id) == nullptr) {
        return kafka_error::unknown_member_id;
    } else if (generation != g.generation) {
        return kafka_error::illegal_generation;
    } else {
        watch_member(g, *g.find(member_id));
    }
    for (const auto& e : entries) g.offsets[{e.topic, e.partition}] = {e.offset, e.metadata.value_or("")};
    return kafka_error::none;
}

std::vector<committed_entry> group_coordinator::committed(const std::string& group_id) const {
    std::lock_guard lock(mutex_);
    std::vector<committed_entry> out;
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) return out;
    for (const auto& [key, value] : it->second->offsets)
        out.push_back({key.first, key.second, value.first, value.second});
    return out;
}

namespace {

kafka_group_view view_of(const auto& g) {
    kafka_group_view v;
    v.group_id = g.id;
    v.state = g.state;
    v.protocol_type = g.protocol_type;
    v.protocol = g.state == group_state::empty ? std::string() : g.protocol;
    v.generation_id = g.generation;
    v.leader = g.leader;
    v.description = g.description;
    v.created_at = g.created_at;
    for (const auto& m : g.members) {
        const std::string* metadata = m->metadata_of(g.protocol);
        v.members.push_back({m->id, m->client_id, m->client_host, metadata ? *metadata : std::string(),
                             g.state == group_state::stable ? m->assignment : std::string()});
    }
    return v;
}

}  // namespace

std::optional<kafka_group_view> group_coordinator::describe(const std::string& group_id) const {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) return std::nullopt;
    return view_of(*it->second);
}

std::vector<kafka_group_view> group_coordinator::list() const {
    std::lock_guard lock(mutex_);
    std::vector<kafka_group_view> out;
    out.reserve(groups_.size());
    for (const auto& [name, g] : groups_) out.push_back(view_of(*g));
    return out;
}

kafka_error group_coordinator::remove(const std::string& group_id) {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) return kafka_error::group_id_not_found;
    if (!it->second->members.empty() || !it->second->pending.empty()) return kafka_error::non_empty_group;
    cancel(it->second->join_timer);
    groups_.erase(it);
    return kafka_error::none;
}

kafka_group_view group_coordinator::create(const std::string& group_id,
                                           std::optional<std::string> description) {
    std::lock_guard lock(mutex_);
    if (groups_.contains(group_id)) throw error(errc::group_exists, {.name = group_id});
    group& g = find_or_add(group_id);
    g.description = std::move(description);
    g.kept = true;
    return view_of(g);
}

void group_coordinator::describe_as(const std::string& group_id, std::optional<std::string> description) {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) throw error(errc::group_not_found, {.name = group_id});
    if (description) it->second->description = std::move(description);
}

void group_coordinator::erase(const std::string& group_id) {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) throw error(errc::group_not_found, {.name = group_id});
    if (!it->second->members.empty() || !it->second->pending.empty())
        throw error(errc::group_not_empty, {.name = group_id});
    cancel(it->second->join_timer);
    groups_.erase(it);
}

void group_coordinator::require_empty(const std::string& group_id) const {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) throw error(errc::group_not_found, {.name = group_id});
    if (!it->second->members.empty() || !it->second->pending.empty())
        throw error(errc::group_not_empty, {.name = group_id});
}

void group_coordinator::set_offsets(const std::string& group_id,
                                    const std::vector<committed_offset>& offsets) {
    std::lock_guard lock(mutex_);
    const auto it = groups_.find(group_id);
    if (it == groups_.end()) throw error(errc::group_not_found, {.name = group_id});
    if (!it->second->members.empty() || !it->second->pending.empty())
        throw error(errc::group_not_empty, {.name = group_id});
    for (const auto& o : offsets) it->second->offsets[{o.topic, o.partition}] = {o.offset, std::string()};
}

void group_coordinator::forget_topic(const std::string& topic) {
    std::lock_guard lock(mutex_);
    for (auto& [name, g] : groups_)
        std::erase_if(g->offsets, [&](const auto& entry) { return entry.first.first == topic; });
}

std::vector<std::string> group_coordinator::committed_on(const std::string& topic) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [name, g] : groups_) {
        if (std::any_of(g->offsets.begin(), g->offsets.end(),
                        [&](const auto& entry) { return entry.first.first == topic; }))
            out.push_back(name);
    }
    return out;
}

void group_coordinator::restore(const group_snapshot& snapshot) {
    std::lock_guard lock(mutex_);
    if (groups_.contains(snapshot.group_id)) throw error(errc::group_exists, {.name = snapshot.group_id});
    group& g = find_or_add(snapshot.group_id);
    g.kept = true;
    g.description = snapshot.description;
    g.created_at = snapshot.created_at;
    for (const auto& o : snapshot.offsets) g.offsets[{o.topic, o.partition}] = {o.offset, std::string()};
}

std::vector<group_snapshot> group_coordinator::snapshot() const {
    std::lock_guard lock(mutex_);
    std::vector<group_snapshot> out;
    out.reserve(groups_.size());
    for (const auto& [name, g] : groups_) {
        auto& copy = out.emplace_back(group_snapshot{name, g->description, g->created_at, {}});
        for (const auto& [key, value] : g->offsets)
            copy.offsets.push_back(committed_offset{key.first, key.second, value.first});
    }
    return out;
}

bool group_coordinator::contains(const std::string& group_id) const {
    std::lock_guard lock(mutex_);
    return groups_.contains(group_id);
}

std::uint64_t group_coordinator::rebalances() const {
    std::lock_guard lock(mutex_);
    return rebalances_;
}

std::size_t group_coordinator::members() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [name, g] : groups_) n += g->members.size();
    return n;
}

}  // namespace emu::state
