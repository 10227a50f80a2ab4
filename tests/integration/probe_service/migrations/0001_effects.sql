-- A probe service's only effect: count how often each event was applied, and in which order.
CREATE TABLE effects (
    event_id       uuid PRIMARY KEY,
    beneficiary_id uuid NOT NULL,
    applied        int NOT NULL DEFAULT 1,
    applied_seq    bigserial
);
