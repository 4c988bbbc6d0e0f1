<?cs # The reset link opened: choose the new password. ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Choose a new password</h1>
<form class="account-form" method="post" action="/account/reset/<?cs var:Reset.Token ?>" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-password">New password <span class="muted">(at least 12 characters)</span></label>
    <input id="a-password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256" required<?cs if:Errors.Password ?> aria-invalid="true" aria-describedby="a-password-error"<?cs /if ?>>
    <?cs call:field_error("a-password", Errors.Password) ?></div>
  <button type="submit">Set the password and sign in</button>
</form>
<p class="muted">Every browser signed in to your account is signed out when the password changes.</p>
<?cs /def ?>
