-- The data's first recorded day (the store's coverage): quarters before its quarter have no figures.
select first_day from coverage
