#include "service/idempotency.hpp"

#include "crypto/tokens.hpp"

namespace seatwise::service {

using core::ErrorCode;

namespace {

bool VisibleAscii(std::string_view key) {
  for (char c : key) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

core::Result<IdempotencyClaim> IdempotencyService::Claim(const std::string& owner,
                                                         std::string_view key,
                                                         std::string_view request) {
  if (key.empty() || key.size() > kIdempotencyKeyMaxLength || !VisibleAscii(key)) {
    core::Error error = core::MakeError(
        ErrorCode::kInvalidArgument,
        "the Idempotency-Key header must be 1 to 255 visible ASCII characters, e.g. a UUID");
    error.fields.push_back({"Idempotency-Key", "must be 1 to 255 visible ASCII characters"});
    return error;
  }
  const std::string hash = crypto::HashToken(request);
  return deps_.db.Transact<IdempotencyClaim>(
      store::TxMode::kWrite, [&](store::Tx& tx) -> core::Result<IdempotencyClaim> {
        const auto now = deps_.clock.Now();
        SW_RETURN_IF_ERROR(deps_.repos.auth->DeleteExpiredIdempotencyRecords(tx, now));
        core::IdempotencyRecord claim{
            owner, std::string(key), hash, 0, "", now, now + kIdempotencyKeyLifetime};
        SW_ASSIGN_OR_RETURN(bool claimed, deps_.repos.auth->PutIdempotencyRecord(tx, claim));
        if (claimed) return IdempotencyClaim{};
        SW_ASSIGN_OR_RETURN(
            auto stored, deps_.repos.auth->GetIdempotencyRecord(tx, owner, std::string(key), now));
        // Gone between the insert and the read (it expired that instant): run it.
        if (!stored) return IdempotencyClaim{};
        IdempotencyClaim out;
        if (stored->status_code == 0 && now - stored->created_at > kIdempotencyClaimAbandoned) {
          // The first request never finished (its node stopped): this one takes the key over.
          SW_RETURN_IF_ERROR(
              deps_.repos.auth->DeleteIdempotencyRecord(tx, owner, std::string(key)));
          SW_RETURN_IF_ERROR(deps_.repos.auth->PutIdempotencyRecord(tx, claim));
          return out;
        }
        if (stored->request_hash != hash) {
          out.outcome = IdempotencyClaim::Outcome::kMismatch;
        } else if (stored->status_code == 0) {
          out.outcome = IdempotencyClaim::Outcome::kInProgress;
        } else {
          out.outcome = IdempotencyClaim::Outcome::kReplay;
          out.status = stored->status_code;
          out.body = stored->response_body;
        }
        return out;
      });
}

core::Result<void> IdempotencyService::Complete(const std::string& owner, std::string_view key,
                                                int status, const std::string& body) {
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return deps_.repos.auth->CompleteIdempotencyRecord(tx, owner, std::string(key), status, body);
  });
}

core::Result<void> IdempotencyService::Release(const std::string& owner, std::string_view key) {
  return deps_.db.Transact(store::TxMode::kWrite, [&](store::Tx& tx) {
    return deps_.repos.auth->DeleteIdempotencyRecord(tx, owner, std::string(key));
  });
}

}  // namespace seatwise::service
