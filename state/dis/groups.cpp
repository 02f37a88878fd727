#include "state/dis/groups.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace emu::state {

heartbeat_state consumer_group::heartbeat(const std::string& client_id, std::int64_t generation,
                                          std::int64_t now, const readable_partitions_fn& partitions) {
    settle(now, partitions);
    const auto it = members_.find(client_id);
    if (it == members_.end()) return heartbeat_state::joining;
    auto& m = it->second;
    m.last_seen = now;
    if (phase_ == group_phase::joining) return m.joined ? heartbeat_state::syncing : heartbeat_state::joining;
    if (m.synced_generation != generation_) return heartbeat_state::syncing;
    // A member that fetched the current assignment but reports another generation has lost track of it.
    return generation == generation_ ? heartbeat_state::stable : heartbeat_state::joining;
}

join_result consumer_group::join(member_join join, std::int64_t now,
                                 const readable_partitions_fn& partitions) {
    settle(now, partitions);
    auto& m = members_[join.client_id];
    m.subscription = std::move(join.subscription);
    m.rebalance_timeout_ms = join.rebalance_timeout_ms;
    m.last_seen = now;
    if (phase_ != group_phase::joining) {
        start_rebalance(now);
    } else {
        rebalance_deadline_ = std::max(rebalance_deadline_, rebalance_started_ + m.rebalance_timeout_ms);
    }
    m.joined = true;
    join_result out;
    for (const auto& s : m.subscription) out.subscription.push_back(s.key);
    complete_if_all_joined(partitions);
    return out;
}

sync_result consumer_group::sync(const std::string& client_id, std::int64_t now,
                                 const readable_partitions_fn& partitions) {
    settle(now, partitions);
    const auto it = members_.find(client_id);
    if (it == members_.end()) return {sync_state::rejoin, generation_, {}};
    auto& m = it->second;
    m.last_seen = now;
    if (phase_ == group_phase::joining) {
        return {m.joined ? sync_state::waiting : sync_state::rejoin, generation_, {}};
    }
    m.synced_generation = generation_;
    const bool all_synced = std::all_of(members_.begin(), members_.end(), [this](const auto& entry) {
        return entry.second.synced_generation == generation_;
    });
    if (all_synced) phase_ = group_phase::stable;
    const auto assigned = assigned_.find(client_id);
    return {sync_state::ok, generation_, assigned == assigned_.end() ? group_assignment{} : assigned->second};
}

void consumer_group::leave(const std::string& client_id, std::int64_t now,
                           const readable_partitions_fn& partitions) {
    settle(now, partitions);
    if (members_.erase(client_id) == 0) return;
    assigned_.erase(client_id);
    if (members_.empty()) {
        become_empty();
    } else if (phase_ == group_phase::joining) {
        complete_if_all_joined(partitions);
    } else {
        start_rebalance(now);
    }
}

std::optional<error> consumer_group::commit_refusal(const std::string& client_id,
                                                    std::optional<std::int64_t> generation, std::int64_t now,
                                                    const readable_partitions_fn& partitions) {
    settle(now, partitions);
    const auto it = members_.find(client_id);
    if (it == members_.end()) return error(errc::consumer_member_not_found, {.name = client_id});
    if (phase_ == group_phase::joining || it->second.synced_generation != generation_) {
        return error(errc::consumer_rebalance_in_progress, {.name = client_id});
    }
    if (generation && *generation != generation_) {
        return error(errc::consumer_generation_stale,
                     {.name = client_id, .requested = *generation, .high = generation_});
    }
    return std::nullopt;
}

group_view consumer_group::view(std::int64_t now, const readable_partitions_fn& partitions) {
    settle(now, partitions);
    group_view out{phase_, generation_, {}};
    for (const auto& [id, m] : members_) {
        group_member_view shown{id, {}, m.rebalance_timeout_ms, m.last_seen, m.synced_generation, {}};
        for (const auto& s : m.subscription) shown.subscription.push_back(s.key);
        if (const auto it = assigned_.find(id); it != assigned_.end()) shown.assignment = it->second;
        out.members.push_back(std::move(shown));
    }
    return out;
}

void consumer_group::settle(std::int64_t now, const readable_partitions_fn& partitions) {
    const auto expired = std::erase_if(members_, [now](const auto& entry) {
        return now - entry.second.last_seen > entry.second.rebalance_timeout_ms;
    });
    if (members_.empty()) {
        if (phase_ != group_phase::empty) become_empty();
        return;
    }
    if (expired > 0) {
        std::erase_if(assigned_, [this](const auto& entry) { return !members_.contains(entry.first); });
        if (phase_ != group_phase::joining) start_rebalance(now);
    }
    if (phase_ == group_phase::joining) {
        if (now >= rebalance_deadline_) {
            std::erase_if(members_, [](const auto& entry) { return !entry.second.joined; });
            if (members_.empty()) {
                become_empty();
                return;
            }
        }
        complete_if_all_joined(partitions);
        return;
    }
    if (readable_basis(partitions) != basis_) start_rebalance(now);
}

void consumer_group::start_rebalance(std::int64_t now) {
    phase_ = group_phase::joining;
    rebalance_started_ = now;
    std::int64_t longest = 0;
    for (auto& [id, m] : members_) {
        m.joined = false;
        longest = std::max(longest, m.rebalance_timeout_ms);
    }
    rebalance_deadline_ = now + longest;
}

void consumer_group::complete_if_all_joined(const readable_partitions_fn& partitions) {
    if (phase_ != group_phase::joining || members_.empty()) return;
    const bool all_joined =
        std::all_of(members_.begin(), members_.end(), [](const auto& entry) { return entry.second.joined; });
    if (all_joined) complete_rebalance(partitions);
}

std::map<std::string, std::vector<std::int32_t>> consumer_group::readable_basis(
    const readable_partitions_fn& partitions) const {
    std::map<std::string, std::vector<std::int32_t>> out;
    for (const auto& [id, m] : members_) {
        for (const auto& s : m.subscription) {
            if (!out.contains(s.stream_name)) out.emplace(s.stream_name, partitions(s.stream_name));
        }
    }
    return out;
}

void consumer_group::complete_rebalance(const readable_partitions_fn& partitions) {
    ++generation_;
    phase_ = group_phase::syncing;
    basis_ = readable_basis(partitions);
    assigned_.clear();
    for (const auto& [stream_name, readable] : basis_) {
        // members_ is ordered by client id, so the subscribers are too.
        std::vector<std::pair<const std::string*, const std::string*>> subscribers;  // client id, stream key
        for (const auto& [id, m] : members_) {
            for (const auto& s : m.subscription) {
                if (s.stream_name == stream_name) {
                    subscribers.emplace_back(&id, &s.key);
                    break;
                }
            }
        }
        const std::size_t share = readable.size() / subscribers.size();
        const std::size_t extra = readable.size() % subscribers.size();
        std::size_t next = 0;
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            const std::size_t count = share + (i < extra ? 1 : 0);
            if (count == 0) continue;
            auto& target = assigned_[*subscribers[i].first][*subscribers[i].second];
            target.insert(target.end(), readable.begin() + static_cast<std::ptrdiff_t>(next),
                          readable.begin() + static_cast<std::ptrdiff_t>(next + count));
            next += count;
        }
    }
}

void consumer_group::become_empty() {
    members_.clear();
    assigned_.clear();
    basis_.clear();
    phase_ = group_phase::empty;
}

std::optional<std::vector<std::string>> match_stream_pattern(const std::string& pattern,
                                                             const std::vector<std::string>& names) {
    if (pattern.empty() || pattern.size() > max_stream_pattern_length) return std::nullopt;
    try {
        // __polynomial (libstdc++) matches without backtracking, so no pattern can take exponential time, and
        // refuses back-references; the length bound keeps the recursive parser's depth small.
        const std::regex compiled(pattern, std::regex::ECMAScript | std::regex_constants::__polynomial);
        std::vector<std::string> out;
        for (const auto& name : names) {
            if (std::regex_match(name, compiled)) out.push_back(name);
        }
        return out;
    } catch (const std::regex_error&) {
        return std::nullopt;
    }
}

}  // namespace emu::state
