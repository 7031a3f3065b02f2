#include "directory/etcd/etcd_tls.hpp"

#include "util/printable_text.hpp"

#include <fmt/format.h>

#include <system_error>

namespace imchat::directory::etcd {

namespace asio = boost::asio;

std::shared_ptr<asio::ssl::context> make_tls_context(const etcd_options& etcd) {
  if (etcd.ca_file.empty() && etcd.cert_file.empty()) return nullptr;
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  const auto use = [](const std::string& option, const std::string& file, auto&& load) {
    try {
      load();
    } catch (const boost::system::system_error& e) {
      throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                              fmt::format("{} '{}': {}", option, printable_text(file), e.code().message()));
    }
  };
  context->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  context->set_verify_mode(asio::ssl::verify_peer);
  if (etcd.ca_file.empty())
    context->set_default_verify_paths();
  else
    use("--etcd-ca", etcd.ca_file, [&] { context->load_verify_file(etcd.ca_file); });
  if (!etcd.cert_file.empty()) {
    use("--etcd-cert", etcd.cert_file, [&] { context->use_certificate_chain_file(etcd.cert_file); });
    use("--etcd-key", etcd.key_file, [&] { context->use_private_key_file(etcd.key_file, asio::ssl::context::pem); });
  }
  return context;
}

}  // namespace imchat::directory::etcd
