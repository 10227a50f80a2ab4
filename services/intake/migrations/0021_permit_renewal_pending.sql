-- Whether the renewal of the person's permit was applied for (the post-office receipt of a pending
-- application), kept in plain next to permit_expiry so that a permit past its expiry day with a pending
-- renewal shows permit_status 'renewal_pending', not 'expired', to every role that sees the status.
-- Until now the flag was only inside the sealed personal part (permit.renewal_pending). Rows from before
-- this column read false, whatever their sealed permit says: the sealed part cannot be read here (each
-- person has their own key). A correction of the permit, or a registration's correction of any field,
-- writes the true value; until then such a person shows 'expired' after the expiry day, as before.
ALTER TABLE beneficiaries ADD COLUMN permit_renewal_pending boolean NOT NULL DEFAULT false;
