#include "message_texts.hpp"

namespace imchat::test {

namespace {

std::string text_of(const message& m) {
  switch (m.type()) {
    case message_type::data: return std::string(m.text());
    case message_type::gap: return m.lost() ? "<gap " + std::to_string(m.lost()) + ">" : "<gap>";
    case message_type::disconnected: return "<disconnected>";
    case message_type::reconnected: return "<reconnected>";
  }
  return "<?>";
}

}  // namespace

std::vector<std::string> numbered(std::string_view prefix, std::size_t count) {
  std::vector<std::string> texts;
  for (std::size_t i = 1; i <= count; ++i) texts.push_back(std::string(prefix) + " " + std::to_string(i));
  return texts;
}

void send_all(api_thread& api, exchange_id to, const std::vector<std::string>& texts) {
  for (const auto& text : texts) api.send(to, message(text));
}

std::vector<std::string> receive_texts(api_thread& api, std::size_t count, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  std::vector<std::string> texts;
  while (texts.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    const auto m = api.receive(std::max(left, std::chrono::milliseconds(0)));
    if (!m) break;
    texts.push_back(text_of(*m));
  }
  return texts;
}

std::vector<std::string> drain_texts(api_thread& api) {
  std::vector<std::string> texts;
  while (const auto m = api.try_receive()) texts.push_back(text_of(*m));
  return texts;
}

std::vector<std::string> starting_with(const std::vector<std::string>& all, std::string_view prefix) {
  std::vector<std::string> chosen;
  for (const auto& text : all)
    if (text.starts_with(prefix)) chosen.push_back(text);
  return chosen;
}

}  // namespace imchat::test
