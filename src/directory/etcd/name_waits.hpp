#pragma once
// Waiting, on an etcd directory, for names not registered yet (a room not started): each
// wait reads its key and, while it is absent, watches it from the next revision on a
// streamed connection of its own, until a record comes. A watch that breaks (its member
// went, etcd ended it) or whose member the client left is set up again after reading the
// key once more, so nothing registered meanwhile is missed. Lives on the locator's thread.

#include "directory/detail/locator_backend.hpp"
#include "directory/etcd/etcd_client.hpp"

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <vector>

namespace imchat::directory::etcd {

class name_waits : public std::enable_shared_from_this<name_waits> {
 public:
  name_waits(boost::asio::io_context& io, std::shared_ptr<etcd_client> client, std::string prefix);

  // `done` gets the record once the name is there (or an etcd refusal), unless
  // `cancelled` is set first.
  void add(const std::string& name, detail::completion done, detail::abandon_flag cancelled);
  // The client left its member: every watch moves with it.
  void move();
  // Lets go of the waits whose callers gave up.
  void forget_cancelled();
  // Ends every wait with `reply` (the locator stops, or gave up), and takes no more.
  void end_all(const detail::directory_reply& reply);

 private:
  struct wait;

  void look_then_watch(const std::shared_ptr<wait>& each);
  void watch(const std::shared_ptr<wait>& each, std::int64_t from);
  void on_watch_line(const std::shared_ptr<wait>& each, std::string_view line);
  void watch_again(const std::shared_ptr<wait>& each);
  void end(const std::shared_ptr<wait>& each, detail::directory_reply&& reply);
  static void finish(wait& each, detail::directory_reply&& reply);

  boost::asio::io_context& io_;
  const std::shared_ptr<etcd_client> client_;
  const std::string prefix_;
  std::vector<std::shared_ptr<wait>> waits_;
  bool ended_ = false;
};

}  // namespace imchat::directory::etcd
