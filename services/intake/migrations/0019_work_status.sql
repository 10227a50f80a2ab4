-- The person's work status when taken in charge (labour-force categories: employed, seeking_work,
-- inactive). A coarse attribute, as italian_level; NULL: not recorded (people registered before this
-- column). Women recorded inactive travel as women_inactive on intake.beneficiary_registered.
ALTER TABLE beneficiaries ADD COLUMN work_status text
    CHECK (work_status IN ('employed', 'seeking_work', 'inactive'));
