"""Operations shared by the dashboard and the API: validate, then change rows."""
