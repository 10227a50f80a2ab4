-- The relay is woken at commit by any statement that inserts outbox rows, including an insert
-- that rides as a CTE in a command's own statement; PostgreSQL folds a transaction's identical
-- notifications into one. The channel is shared.outbox.NOTIFY_CHANNEL.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('percorsi_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
