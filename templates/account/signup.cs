<?cs # Sign up: name, address, password. The password is never shown again. ?>
<?cs include:"account/fields.cs" ?>
<?cs def:page_body() ?>
<h1>Create an account</h1>
<p>An account keeps your bookings together. You can also buy tickets as a guest; bookings made under your address join your account once you verify it.</p>
<form class="account-form" method="post" action="/account/signup" novalidate>
  <?cs call:csrf() ?>
  <div class="field"><label for="a-name">Your name</label>
    <input id="a-name" name="name" autocomplete="name" maxlength="200" required value="<?cs var:Form.Name ?>"<?cs if:Errors.Name ?> aria-invalid="true" aria-describedby="a-name-error"<?cs /if ?>>
    <?cs call:field_error("a-name", Errors.Name) ?></div>
  <div class="field"><label for="a-email">Email address</label>
    <input id="a-email" name="email" type="email" autocomplete="email" maxlength="254" required value="<?cs var:Form.Email ?>"<?cs if:Errors.Email ?> aria-invalid="true" aria-describedby="a-email-error"<?cs /if ?>>
    <?cs call:field_error("a-email", Errors.Email) ?></div>
  <div class="field"><label for="a-password">Password <span class="muted">(at least 12 characters; a few words you will remember work well)</span></label>
    <input id="a-password" name="password" type="password" autocomplete="new-password" minlength="12" maxlength="256" required<?cs if:Errors.Password ?> aria-invalid="true" aria-describedby="a-password-error"<?cs /if ?>>
    <?cs call:field_error("a-password", Errors.Password) ?></div>
  <button type="submit">Create account</button>
</form>
<p>Already have an account? <a href="/account/signin">Sign in</a>.</p>
<?cs /def ?>
