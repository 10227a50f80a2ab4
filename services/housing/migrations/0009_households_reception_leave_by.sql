-- The day the person's reception ends, when intake said it (intake.beneficiary_registered or a correction's
-- must_leave_by): the urgency date, which a replanned housing goal no longer moves. Rows from before cannot
-- tell whether their leave_by was the reception's or the goal's: NULL, so a replanned goal still moves it.
ALTER TABLE households ADD COLUMN reception_leave_by date;
