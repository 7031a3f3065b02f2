#include "tui/chat_client.hpp"

#include "chat/outage_report.hpp"
#include "chat/room_finder.hpp"
#include "chat/terminal_text.hpp"
#include "tui/chat_commands.hpp"
#include "tui/status_line.hpp"
#include "tui/text_cells.hpp"
#include "util/printable_text.hpp"

#include <fmt/format.h>

#include <deque>

namespace imchat::tui {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

namespace {

// Between two looks at the kernel's messages while no key comes.
constexpr auto poll_interval = 20ms;
// What one turn of the loop takes at most, so that a flood of messages or a huge paste
// still leaves the screen drawn and the keys read.
constexpr int keys_per_turn = 4096;
constexpr std::size_t messages_per_turn = 4096;

std::string lines_text(std::size_t n) { return fmt::format("{} {}", n, n == 1 ? "line" : "lines"); }

}  // namespace

struct chat_client::state {
  conversation lines;
  line_editor input;
  chat::outage_report outages;
  chat::room_finder finder;
  std::deque<message> outbox;  // entered, not yet handed to the kernel
  bool joined = false;
  bool leaving = false;
  clock::time_point leave_by{};
  chat_status::link link = chat_status::link::waiting_for_directory;
  std::optional<chat_ending> ended;

  state(directory::locator& directory, const chat_client_options& options)
      : input(options.max_line_bytes), finder(directory, options.room) {}
};

chat_client::chat_client(api_thread& api, directory::locator& directory, exchange_id out, std::function<void()> join,
                         chat_client_options options, const chat::stop_signal& stop, log_capture& logs)
    : api_(api), directory_(directory), out_(out), join_(std::move(join)), options_(std::move(options)),
      stop_(stop), logs_(logs) {}

chat_ending chat_client::run(terminal_screen& screen) {
  state s(directory_, options_);
  const auto user_prefix = options_.user + ": ";
  const auto prompt = decode_utf8(printable_text(options_.user) + "> ");
  s.lines.add(fmt::format("* You are {} in {}. /help lists the commands; Ctrl-D leaves.",
                          printable_text(options_.user), printable_text(options_.room)));

  const auto pending = [&] { return s.outbox.size() + api_.unacknowledged(); };
  const auto leave = [&](clock::time_point now) {
    if (s.leaving) return;
    s.leaving = true;
    s.leave_by = now + options_.linger;
    if (const auto left = pending(); left > 0)
      s.lines.add(fmt::format("* Leaving: waiting for the room to acknowledge {} (at most {:g} s; Ctrl-C leaves now)",
                              lines_text(left), std::chrono::duration<double>(options_.linger).count()));
  };
  const auto enter = [&](clock::time_point now) {
    auto typed = interpret(s.input.take());
    switch (typed.what) {
      case typed_line::kind::say: s.outbox.emplace_back(user_prefix + typed.text); break;
      case typed_line::kind::quit: leave(now); break;
      case typed_line::kind::help:
        for (const auto& line : help_lines()) s.lines.add(line);
        break;
      case typed_line::kind::unknown_command:
        s.lines.add(fmt::format("* Unknown command {}: /help lists them; //{} says \"{}\"", printable_text(typed.text),
                                printable_text(typed.text.substr(1)), printable_text(typed.text)));
        break;
      case typed_line::kind::nothing: break;
    }
    s.lines.scroll_to_bottom();
  };
  const auto on_key = [&](const key& k, clock::time_point now) {
    if (s.leaving) return;  // only Ctrl-C now
    switch (k.what) {
      case key::code::character:
        if (!s.input.insert(k.character)) screen.beep();  // the room could not relay more
        break;
      case key::code::enter: enter(now); break;
      case key::code::backspace: s.input.backspace(); break;
      case key::code::delete_forward: s.input.delete_forward(); break;
      case key::code::left: s.input.left(); break;
      case key::code::right: s.input.right(); break;
      case key::code::home: s.input.home(); break;
      case key::code::end: s.input.end(); break;
      case key::code::up: s.input.history_previous(); break;
      case key::code::down: s.input.history_next(); break;
      case key::code::page_up: s.lines.page_up(); break;
      case key::code::page_down: s.lines.page_down(); break;
      case key::code::kill_to_start: s.input.kill_to_start(); break;
      case key::code::kill_to_end: s.input.kill_to_end(); break;
      case key::code::kill_word_before: s.input.kill_word_before(); break;
      case key::code::end_of_input:  // as in readline: leaves on an empty line only
        if (s.input.empty()) leave(now);
        else s.input.delete_forward();
        break;
      case key::code::redraw: screen.repaint_all(); break;
      case key::code::resize:
      case key::code::ignored: break;
    }
  };
  const auto on_message = [&](const message& m, clock::time_point now) {
    switch (m.type()) {
      case message_type::data: s.lines.add(chat::terminal_safe(m.text())); break;
      case message_type::disconnected: s.outages.disconnected(now); break;
      case message_type::gap: s.outages.gap(m.lost()); break;
      case message_type::reconnected:
        for (const auto& line : s.outages.reconnected()) s.lines.add(line);
        s.finder.refresh();  // the room may be back somewhere else
        break;
    }
  };
  const auto find_room = [&](clock::time_point now) {
    switch (s.finder.poll(now)) {
      case chat::room_finder::state::found:
        join_();
        s.joined = true;
        break;
      case chat::room_finder::state::waiting_for_directory: s.link = chat_status::link::waiting_for_directory; break;
      case chat::room_finder::state::waiting_for_room: s.link = chat_status::link::waiting_for_room; break;
    }
    if (!s.joined && options_.deadline && now >= *options_.deadline)
      s.ended = chat_ending{1, {fmt::format("imchat chat: gave up waiting for the room '{}'", printable_text(options_.room))}};
  };
  const auto check_leaving = [&](clock::time_point now) {
    if (!s.leaving) return;
    const auto left = pending();
    if (left == 0 && (!s.joined || api_.flush(0ms))) {
      s.ended = chat_ending{0, {}};
    } else if (now >= s.leave_by) {
      s.ended = chat_ending{1, {fmt::format("imchat chat: {} not acknowledged by the room within the linger time "
                                            "({:g} s)", left == 1 ? "1 line was" : lines_text(left) + " were",
                                            std::chrono::duration<double>(options_.linger).count())}};
    }
  };

  std::string shown_status;
  std::vector<message> received;
  bool dirty = true;
  while (!s.ended) {
    if (stop_.requested()) {  // Ctrl-C, or the service manager: at once
      const auto left = pending();
      if (left == 0) return {0, {}};
      return {1, {fmt::format("imchat chat: left with {} not acknowledged by the room", lines_text(left))}};
    }
    if (auto failure = api_.failure()) throw *failure;
    if (auto failure = directory_.failure()) throw *failure;  // the directory's key: waiting cannot mend it

    int keys = 0;
    for (auto k = screen.read_key(poll_interval); k; k = ++keys < keys_per_turn ? screen.read_key(0ms) : std::nullopt) {
      on_key(*k, clock::now());
      dirty = true;
    }
    const auto now = clock::now();
    if (!s.joined) find_room(now);
    received.clear();
    if (api_.receive_many(received, messages_per_turn, 0ms) > 0) dirty = true;
    for (const auto& m : received) on_message(m, now);
    if (const auto line = s.outages.tick(now)) {
      s.lines.add(*line);
      dirty = true;
    }
    for (const auto& line : logs_.take()) {
      s.lines.add(line);
      dirty = true;
    }
    while (s.joined && !s.outbox.empty() && api_.send(out_, s.outbox.front(), 0ms)) s.outbox.pop_front();
    check_leaving(now);

    if (s.joined) s.link = s.outages.down() ? chat_status::link::reconnecting : chat_status::link::connected;
    const auto status = status_text({.room = options_.room,
                                     .state = s.link,
                                     .directory = directory_.directory(),
                                     .endpoints = s.joined ? s.finder.endpoints() : std::vector<std::string>{},
                                     .unacknowledged = pending(),
                                     .scrolled_back = s.lines.scrolled_back() > 0,
                                     .leaving = s.leaving});
    if (dirty || status != shown_status) {
      screen.draw(s.lines, decode_utf8(status), prompt, s.input);
      shown_status = status;
      dirty = false;
    }
  }
  return *s.ended;
}

}  // namespace imchat::tui
