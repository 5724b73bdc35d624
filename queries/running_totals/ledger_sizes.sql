-- How many records each ledger holds: the running totals read a large one a few units at a time.
select
    (select count(*) from meetings) as meetings,
    (select count(*) from issues) as issues,
    (select count(*) from suggestions) as suggestions,
    (select count(*) from reminders) as reminders,
    (select count(*) from activities) as activities
