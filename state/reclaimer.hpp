#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace emu::state {

// Frees the chunks that trims cut out of record logs, on a thread of its own. Returning a hundred
// megabytes to the system takes tens of milliseconds, which neither the request that deleted the records
// nor requests on other partitions should wait for. The thread starts with the first hand-over, so an idle
// emulator has none; the destructor frees whatever is still queued.
class reclaimer {
  public:
    reclaimer() = default;
    ~reclaimer();
    reclaimer(const reclaimer&) = delete;
    reclaimer& operator=(const reclaimer&) = delete;

    // Takes the chunks (a record_log's or a batch_log's released chunks, or any container of them);
    // returns at once.
    template <class Chunks>
    void discard(Chunks chunks) {
        if (chunks.empty()) return;
        enqueue(std::make_shared<Chunks>(std::move(chunks)));
    }

  private:
    void enqueue(std::shared_ptr<void> garbage);
    void run();

    std::mutex mutex_;  // guards queue_, stopping_ and the start of thread_
    std::condition_variable wake_;
    std::vector<std::shared_ptr<void>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace emu::state
